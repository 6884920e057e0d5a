// Progressive enhancement only: every page works without this script.
(function () {
  "use strict";
  document.querySelectorAll("textarea[data-counter]").forEach(function (area) {
    var out = document.getElementById(area.getAttribute("data-counter"));
    var max = parseInt(area.getAttribute("maxlength"), 10);
    if (!out || !max) { return; }
    var update = function () { out.textContent = area.value.length + " / " + max + " characters"; };
    area.addEventListener("input", update);
    update();
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();

// Live notices of new handoffs (server-sent events from /events, only when the desk has a broker).
(function () {
  "use strict";
  if (document.body.getAttribute("data-live") !== "on" || !window.EventSource) { return; }
  var banner = document.getElementById("live-banner");

  function describe(notice) {
    var what = notice.reference ? "Case " + notice.reference : "A conversation";
    var text = notice.live ? what + " is waiting for a tax pro in the chat"
                           : what + " was handed to the firm";
    if (notice.priority) { text += " (" + notice.priority + " priority)"; }
    text += ".";
    if (notice.language === "es") { text += " The taxpayer chats in Spanish."; }
    return text;
  }

  function show(notice) {
    if (!banner) { return; }
    banner.textContent = describe(notice) + " ";  // textContent: nothing from the event is HTML
    if (notice.reference) {
      var link = document.createElement("a");
      link.href = "/cases/" + encodeURIComponent(notice.reference);
      link.textContent = "Open the case";
      banner.appendChild(link);
    }
    banner.hidden = false;
  }

  function refreshList() {
    var list = document.getElementById("case-list");
    var active = document.activeElement;
    if (!list || (active && active.closest && active.closest("form"))) { return; }
    fetch(window.location.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var page = new DOMParser().parseFromString(html, "text/html");
        ["case-list", "case-counts"].forEach(function (id) {
          var fresh = page.getElementById(id), current = document.getElementById(id);
          if (fresh && current) { current.replaceWith(document.importNode(fresh, true)); }
        });
      })
      .catch(function () { /* the next notice or a reload refreshes the list */ });
  }

  var source = new EventSource("/events");
  source.addEventListener("handoff", function (event) {
    var notice;
    try { notice = JSON.parse(event.data); } catch (error) { return; }
    show(notice);
    refreshList();
  });
})();
