// The widget's markup: the static skeleton, and one node per conversation entry.
// Received text goes through the Markdown sanitiser; the user's own text is only ever textContent.
// The skeleton's words come from src/i18n.js: elements name their string with data-i18n,
// data-i18n-aria-label or data-i18n-title, and localize() fills them in the current language.

import { translate } from "./i18n.js";

/** @typedef {import("./history.js").Entry} Entry */

const GROUP_WINDOW_MS = 2 * 60 * 1000;
const WHO = { user: "whoUser", bot: "whoBot", pro: "whoPro" };
const DIVIDERS = { "pro-joined": "proJoined", "pro-left": "proLeft" };

const svg = (body, size = 24) =>
  `<svg viewBox="0 0 ${size} ${size}" fill="none" stroke="currentColor" stroke-width="2" ` +
  `stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${body}</svg>`;
const ICONS = {
  chat: svg('<path d="M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z"/><path d="M8.5 10.5h7M8.5 13.5h4.5"/>'),
  down: svg('<path d="m6 9 6 6 6-6"/>'),
  close: svg('<path d="M18 6 6 18M6 6l12 12"/>'),
  camera: svg('<path d="M4 8h3l2-3h6l2 3h3v11H4z"/><circle cx="12" cy="13" r="3.5"/>'),
  send: svg('<path d="M22 2 11 13"/><path d="M22 2 15 22l-4-9-9-4z"/>'),
  person: svg('<circle cx="12" cy="8" r="4"/><path d="M4 21a8 8 0 0 1 16 0"/>'),
  shield: svg('<path d="M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z"/><path d="M12 8v4M12 16h.01"/>'),
  scales: svg('<path d="M12 3v18M7 21h10M5 7h14M5 7l-3 7a3 3 0 0 0 6 0zM19 7l-3 7a3 3 0 0 0 6 0z"/>'),
};

/** Static markup (icons and structure only: no configured or received text). */
export const SKELETON = `
<div class="tc-root">
  <button type="button" class="tc-launcher" aria-haspopup="dialog" aria-expanded="false" aria-controls="tc-panel">
    <span class="tc-icon-chat">${ICONS.chat}</span><span class="tc-icon-close">${ICONS.down}</span>
    <span class="tc-badge" hidden aria-hidden="true"></span>
  </button>
  <section class="tc-panel" id="tc-panel" role="dialog" aria-modal="false" aria-labelledby="tc-title"
           aria-describedby="tc-disclaimer" tabindex="-1" hidden>
    <header class="tc-header">
      <div class="tc-avatar" aria-hidden="true">${ICONS.scales}</div>
      <div class="tc-heading">
        <h2 class="tc-title" id="tc-title"></h2>
        <p class="tc-status" data-status="connecting"><span class="tc-dot" aria-hidden="true"></span><span class="tc-status-text"></span></p>
      </div>
      <div class="tc-lang" role="group" data-i18n-aria-label="languageGroup">
        <button type="button" class="tc-lang-btn" data-lang="en" lang="en" aria-label="English" aria-pressed="false">EN</button><span class="tc-lang-sep" aria-hidden="true">|</span><button type="button" class="tc-lang-btn" data-lang="es" lang="es" aria-label="Español" aria-pressed="false">ES</button>
      </div>
      <button type="button" class="tc-close" data-i18n-aria-label="closeChat">${ICONS.close}</button>
    </header>
    <p class="tc-disclaimer" id="tc-disclaimer">${ICONS.shield}<span></span></p>
    <div class="tc-scroll">
      <div class="tc-log" role="log" aria-live="polite" aria-relevant="additions" data-i18n-aria-label="conversation"></div>
      <div class="tc-typing" hidden><span></span><span></span><span></span><em class="tc-sr" data-i18n="typing"></em></div>
    </div>
    <footer class="tc-footer">
      <p class="tc-warning" role="alert" hidden></p>
      <button type="button" class="tc-human">${ICONS.person}<span></span></button>
      <form class="tc-form" novalidate>
        <label class="tc-sr" for="tc-input" data-i18n="yourMessage"></label>
        <label class="tc-photo" data-i18n-title="photo">
          <span class="tc-sr" data-i18n="photo"></span>${ICONS.camera}
          <input type="file" class="tc-file" accept="image/*,application/pdf" capture="environment">
        </label>
        <textarea id="tc-input" class="tc-input" rows="1" maxlength="2000" enterkeyhint="send"
                  autocomplete="off" spellcheck="true"></textarea>
        <button type="submit" class="tc-send" data-i18n-aria-label="send">${ICONS.send}</button>
      </form>
    </footer>
  </section>
</div>`;

/**
 * Builds entry nodes for one document.
 * @param {Document} doc
 * @param {(text: string) => string} markdown Markdown to sanitised HTML
 * @param {() => string} [language] the widget's current language ("en" / "es")
 */
export function createRenderer(doc, markdown, language = () => "en") {
  const t = (key, values) => translate(language(), key, values);
  const today = new Date().toDateString();
  const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
  const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
    month: "short", day: "numeric", hour: "numeric", minute: "2-digit",
  });

  /** @param {Entry} entry */
  function dividerNode(entry) {
    const node = doc.createElement("div");
    node.className = `tc-divider tc-divider--${entry.divider}`;
    node.textContent = DIVIDERS[entry.divider] ? t(DIVIDERS[entry.divider]) : "";
    return node;
  }

  /**
   * Disable a message's chips once closed, and mark the one chosen.
   * @param {HTMLElement} node
   * @param {Entry} entry
   */
  function paintChips(node, entry) {
    node.querySelectorAll(".tc-chip").forEach((chip, index) => {
      const chosen = entry.chosen === index;
      chip.disabled = Boolean(entry.closed);
      chip.classList.toggle("tc-chip--chosen", chosen);
      if (chosen) chip.setAttribute("aria-label", t("yourChoice", { title: entry.buttons[index].title }));
    });
  }

  /**
   * @param {Entry} entry
   * @param {Entry | undefined} previous the entry before it (same sender soon after: no header)
   */
  function messageNode(entry, previous) {
    const node = doc.createElement("div");
    const continues = previous && previous.kind === entry.kind && entry.ts - previous.ts < GROUP_WINDOW_MS;
    node.className = `tc-msg tc-msg--${entry.kind}${continues ? " tc-msg--cont" : ""}`;
    node.dataset.entry = String(entry.id);

    const meta = doc.createElement("div");
    meta.className = "tc-meta";
    const who = doc.createElement("span");
    who.className = "tc-who";
    who.textContent = t(WHO[entry.kind]);
    const time = doc.createElement("time");
    const when = new Date(entry.ts);
    time.dateTime = when.toISOString();
    time.textContent = (when.toDateString() === today ? timeFormat : dateTimeFormat).format(when);
    meta.append(who, time);
    node.appendChild(meta);

    if (entry.text || entry.image) {
      const bubble = doc.createElement("div");
      bubble.className = "tc-bubble";
      if (entry.text) {
        if (entry.kind === "user") bubble.textContent = entry.text; // the user's words, never markup
        else bubble.innerHTML = markdown(entry.text); // escaped and sanitised
      }
      if (entry.image) {
        const img = doc.createElement("img");
        img.src = entry.image;
        img.alt = t("imageAlt");
        img.loading = "lazy";
        img.referrerPolicy = "no-referrer";
        bubble.appendChild(img);
      }
      node.appendChild(bubble);
    }
    if (entry.buttons) {
      const chips = doc.createElement("div");
      chips.className = "tc-chips";
      chips.setAttribute("role", "group");
      chips.setAttribute("aria-label", t("suggestedReplies"));
      entry.buttons.forEach((button, index) => {
        const chip = doc.createElement("button");
        chip.type = "button";
        chip.className = "tc-chip";
        chip.dataset.entry = String(entry.id);
        chip.dataset.index = String(index);
        chip.textContent = button.title;
        chips.appendChild(chip);
      });
      node.appendChild(chips);
      paintChips(node, entry);
    }
    return node;
  }

  return {
    /**
     * @param {Entry} entry
     * @param {Entry | undefined} previous
     * @returns {HTMLElement}
     */
    entryNode: (entry, previous) => (entry.kind === "divider" ? dividerNode(entry) : messageNode(entry, previous)),
    paintChips,
  };
}
