// Bot and pro text: Markdown renders, markup never runs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { JSDOM } from "jsdom";
import { createMarkdown, escapeHtml } from "../src/markdown.js";

const { window } = new JSDOM("<!doctype html><body></body>");
const render = createMarkdown(window);

/** Parse rendered HTML the way the widget inserts it (innerHTML) and return the container. */
function inserted(text) {
  const div = window.document.createElement("div");
  div.innerHTML = render(text);
  return div;
}

test("bold, italics and line breaks", () => {
  assert.equal(render("**CP504** is *serious*\nAct now").trim(),
    "<p><strong>CP504</strong> is <em>serious</em><br>Act now</p>");
});

test("bullet lists", () => {
  const div = inserted("Your options:\n\n- payment plan\n- offer in compromise");
  assert.deepEqual([...div.querySelectorAll("li")].map((li) => li.textContent),
    ["payment plan", "offer in compromise"]);
});

test("links open in a new tab without a handle on the chat page", () => {
  const a = inserted("See [IRS.gov](https://www.irs.gov/cp504).").querySelector("a");
  assert.equal(a.getAttribute("href"), "https://www.irs.gov/cp504");
  assert.equal(a.getAttribute("target"), "_blank");
  assert.equal(a.getAttribute("rel"), "noopener noreferrer");
});

test("mailto and tel links are kept", () => {
  const links = inserted("[mail](mailto:help@example.com) [call](tel:+18885550147)").querySelectorAll("a");
  assert.deepEqual([...links].map((a) => a.getAttribute("href")), ["mailto:help@example.com", "tel:+18885550147"]);
});

const ATTACKS = [
  "<img src=x onerror=alert(1)>",
  "Hi <img src=x onerror=alert(1)> there",
  "<script>alert(1)</script>",
  "<svg onload=alert(1)>",
  "<iframe src=javascript:alert(1)></iframe>",
  "<a href=\"javascript:alert(1)\">click</a>",
  "[click](javascript:alert(1))",
  "[click](JaVaScRiPt:alert(1))",
  "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  "![x](x\" onerror=\"alert(1))",
  "<details open ontoggle=alert(1)>",
  "**<b onmouseover=alert(1)>bold</b>**",
  "<style>*{display:none}</style>",
  "`<img src=x onerror=alert(1)>`",
];

for (const attack of ATTACKS) {
  test(`no markup runs: ${attack}`, () => {
    const div = inserted(attack);
    for (const el of div.querySelectorAll("*")) {
      assert.ok(["P", "BR", "STRONG", "EM", "A", "CODE", "UL", "OL", "LI"].includes(el.tagName),
        `unexpected <${el.tagName.toLowerCase()}> from ${attack}`);
      for (const attr of el.attributes) {
        assert.ok(!attr.name.startsWith("on"), `event handler ${attr.name} from ${attack}`);
        assert.ok(!/^\s*(javascript|data):/i.test(attr.value), `${attr.name}=${attr.value}`);
      }
    }
  });
}

test("raw HTML is shown as text, not dropped", () => {
  assert.equal(inserted("<img src=x onerror=alert(1)>").textContent.trim(), "<img src=x onerror=alert(1)>");
});

test("images in text are not loaded (images only come as attachments)", () => {
  const div = inserted("![chart](https://example.com/a.png)");
  assert.equal(div.querySelector("img"), null);
  assert.equal(div.textContent.trim(), "chart");
});

test("escapeHtml", () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
});
