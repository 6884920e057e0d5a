// The chat UI: a launcher bubble and a panel in a shadow root, driven by the conversation state.

import { palette } from "./config.js";
import { createLink } from "./connection.js";
import { addBotPayload, addUserMessage, chooseChip, looksLikeSsn, payloadLanguage, proActive } from "./conversation.js";
import { browserStorage, emptyState, loadState, newSessionId, saveState } from "./history.js";
import { CONFIGURABLE, STRINGS, initialLanguage, localize, translate, validLanguage } from "./i18n.js";
import { createMarkdown } from "./markdown.js";
import { PHOTO_MESSAGE_KEYS, preparePhoto, uploadPhoto } from "./photo.js";
import { SKELETON, createRenderer } from "./render.js";
import css from "./styles.css";

/** @typedef {import("./history.js").ChatState} ChatState */
/** @typedef {import("./history.js").Entry} Entry */

const TYPING_TIMEOUT_MS = 30000;

/** The widget on one page. Create it with the resolved config, then call mount(). */
export class TaxChat {
  /**
   * @param {Window & typeof globalThis} win
   * @param {ReturnType<typeof import("./config.js").resolveConfig>} config
   */
  constructor(win, config) {
    this.win = win;
    this.config = config;
    this.storage = browserStorage(win);
    this.render = createRenderer(win.document, createMarkdown(win), () => this.lang);
    /** @type {ChatState | null} */
    this.state = loadState(this.storage, config.storageKey, {
      now: Date.now(), forgetAfterDays: config.forgetAfterDays,
    });
    /** The widget's language: the conversation's, else the page's setting, else the browser's. */
    this.lang = (this.state && this.state.language) || initialLanguage(config.language, win.navigator);
    this.link = null;
    this.isOpen = false;
    this.typingTimer = 0;
    this.ssnWarnedFor = "";
    this.pinned = true; // the reader is at the end of the conversation: keep them there
    /** @type {Map<number, HTMLElement>} */
    this.rendered = new Map();
  }

  /** Build the DOM, re-render a stored conversation and reconnect to it. */
  mount() {
    const doc = this.win.document;
    // A custom element name: host-page rules for div and friends do not match it.
    const host = doc.createElement("milestone-tax-chat");
    host.id = "milestone-tax-chat";
    for (const [name, value] of Object.entries(palette(this.config.primaryColor))) {
      host.style.setProperty(name, value);
    }
    const shadow = host.attachShadow({ mode: "open" });
    this.adoptStyles(shadow);
    const holder = doc.createElement("template");
    holder.innerHTML = SKELETON;
    shadow.appendChild(holder.content);
    doc.body.appendChild(host);

    const $ = (selector) => /** @type {HTMLElement} */ (shadow.querySelector(selector));
    this.shadow = shadow;
    this.el = {
      root: $(".tc-root"), launcher: $(".tc-launcher"), badge: $(".tc-badge"), panel: $(".tc-panel"),
      title: $(".tc-title"), status: $(".tc-status"), statusText: $(".tc-status-text"),
      close: $(".tc-close"), disclaimer: $(".tc-disclaimer span"), scroll: $(".tc-scroll"),
      log: $(".tc-log"), typing: $(".tc-typing"), warning: $(".tc-warning"), human: $(".tc-human"),
      humanText: $(".tc-human span"), form: $(".tc-form"),
      input: /** @type {HTMLTextAreaElement} */ ($(".tc-input")),
      file: /** @type {HTMLInputElement} */ ($(".tc-file")),
      langButtons: /** @type {HTMLButtonElement[]} */ ([...shadow.querySelectorAll(".tc-lang-btn")]),
    };
    this.el.title.textContent = this.config.title;
    this.applyLanguage();
    this.bindEvents();

    if (this.state) {
      for (const entry of this.state.entries) this.append(entry);
      this.startLink();
    }
    this.refreshChrome();
    if (this.config.openOnLoad) this.open();
  }

  adoptStyles(shadow) {
    const { CSSStyleSheet } = this.win;
    // A constructed sheet also works on pages whose CSP forbids inline <style>.
    if (CSSStyleSheet && "replaceSync" in CSSStyleSheet.prototype && "adoptedStyleSheets" in shadow) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      shadow.adoptedStyleSheets = [sheet];
    } else {
      const style = this.win.document.createElement("style");
      style.textContent = css;
      shadow.appendChild(style);
    }
  }

  // ---- language -----------------------------------------------------------------------------

  /**
   * A text of the widget in its language; the page's own texts (TaxChatConfig, TaxChatConfig.es)
   * win over the defaults of src/i18n.js.
   * @param {keyof typeof STRINGS.en} key
   * @param {Record<string, string | number>} [values]
   */
  t(key, values) {
    if (CONFIGURABLE.includes(key)) {
      if (this.lang === "es" && this.config.es && this.config.es[key]) return this.config.es[key];
      if (this.lang === "en" && typeof this.config[key] === "string" && this.config[key]) return this.config[key];
    }
    return translate(this.lang, key, values);
  }

  /** Show every string of the widget in its current language. */
  applyLanguage() {
    const { el } = this;
    localize(this.shadow, this.lang);
    el.root.setAttribute("lang", this.lang);
    el.disclaimer.textContent = this.t("disclaimer");
    el.humanText.textContent = this.t("humanLabel");
    el.input.placeholder = this.t("placeholder");
    for (const button of el.langButtons) {
      button.setAttribute("aria-pressed", String(button.dataset.lang === this.lang));
    }
    if (!el.warning.hidden && this.ssnWarnedFor) el.warning.textContent = this.t("ssnWarning");
    this.refreshChrome();
  }

  /**
   * Switch the widget's strings to `language` at once (history included).
   * @param {string} language "en" or "es"
   * @param {boolean} chosen the taxpayer, the page or the bot decided it (then every message carries it
   *   as the language hint)
   */
  setLanguage(language, chosen) {
    const lang = validLanguage(language);
    if (!lang) return;
    const changed = lang !== this.lang;
    this.lang = lang;
    if (this.state) {
      this.state.language = lang;
      if (chosen) this.state.languageChosen = true;
      this.save();
    }
    if (!changed || !this.el) return;
    this.applyLanguage();
    if (this.state) { // the entries' labels ("You", dividers) in the new language
      this.rendered.clear();
      this.el.log.replaceChildren();
      for (const entry of this.state.entries) this.append(entry);
    }
  }

  /**
   * The EN | ES switch: the widget changes at once and the bot is told in plain words
   * ("en español", "English please"), which the bot reads as a request for that language.
   * @param {string} language
   */
  switchLanguage(language) {
    const lang = validLanguage(language);
    if (!lang) return;
    const already = lang === this.lang && this.state && this.state.languageChosen;
    this.ensureConversation();
    this.setLanguage(lang, true);
    if (!already) this.say(STRINGS[lang].switchMessage, STRINGS[lang].switchMessage);
  }

  /**
   * The language hint sent with each message (metadata {language}): the widget's language once
   * somebody decided it, or Spanish from the browser; nothing for the default English, so the bot
   * may still read the language from the taxpayer's first words.
   * @returns {Record<string, string> | undefined}
   */
  metadata() {
    const state = this.state;
    const lang = (state && state.language) || this.lang;
    const decided = (state && state.languageChosen) || this.config.language !== "auto" || lang === "es";
    return decided ? { language: lang } : undefined;
  }

  bindEvents() {
    const { el } = this;
    el.launcher.addEventListener("click", () => this.toggle());
    el.close.addEventListener("click", () => this.close());
    for (const button of el.langButtons) {
      button.addEventListener("click", () => this.switchLanguage(button.dataset.lang || ""));
    }
    el.root.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.isOpen && !event.isComposing) {
        event.stopPropagation();
        this.close();
      }
    });
    el.human.addEventListener("click", () => this.say(this.t("humanLabel"), this.config.humanPayload));
    el.file.addEventListener("change", () => {
      const file = el.file.files && el.file.files[0];
      el.file.value = "";
      if (file) this.sendPhoto(file);
    });
    el.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    el.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    el.input.addEventListener("input", () => {
      this.fitInput();
      if (el.input.value.trim() !== this.ssnWarnedFor) el.warning.hidden = true;
    });
    // A reader at the end of the conversation stays there when messages arrive, images load, the
    // footer grows or the phone rotates; one who scrolled up to read is left alone. Only a scroll
    // with unchanged sizes is the reader's own: a layout change also moves scrollTop.
    const sizes = () => `${el.scroll.scrollHeight}x${el.scroll.clientHeight}`;
    let seen = "";
    el.scroll.addEventListener("scroll", () => {
      const atEnd = el.scroll.scrollHeight - el.scroll.scrollTop - el.scroll.clientHeight < 80;
      if (atEnd || sizes() === seen) this.pinned = atEnd;
      seen = sizes();
    }, { passive: true });
    if (this.win.ResizeObserver) {
      const keepPinned = new this.win.ResizeObserver(() => {
        if (this.pinned) this.scrollToEnd();
        seen = sizes();
      });
      keepPinned.observe(el.scroll);
      keepPinned.observe(el.log);
    }
    el.log.addEventListener("click", (event) => {
      const chip = /** @type {HTMLElement} */ (event.target).closest?.(".tc-chip");
      if (chip) this.choose(Number(chip.dataset.entry), Number(chip.dataset.index));
    });
  }

  // ---- opening and closing ---------------------------------------------------------------

  open() {
    if (this.isOpen) return;
    this.isOpen = true;
    this.ensureConversation();
    this.el.panel.hidden = false;
    this.el.root.classList.add("tc-open");
    this.el.launcher.setAttribute("aria-expanded", "true");
    if (this.state.unread) {
      this.state.unread = 0;
      this.save();
    }
    this.refreshChrome();
    this.scrollToEnd();
    // On touch screens focusing the input would pop the keyboard over the conversation.
    const coarse = this.win.matchMedia?.("(pointer: coarse)").matches;
    (coarse ? this.el.panel : this.el.input).focus();
  }

  close() {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.el.panel.hidden = true;
    this.el.root.classList.remove("tc-open");
    this.el.launcher.setAttribute("aria-expanded", "false");
    this.refreshChrome();
    this.el.launcher.focus();
  }

  toggle() {
    if (this.isOpen) this.close();
    else this.open();
  }

  /** Open the panel and send `text` as the user's message (for "ask about this" links). */
  ask(text) {
    const message = text.trim();
    this.open();
    if (message) this.say(message, message);
  }

  /** Forget this conversation (history and session id) and start a new one on the next open. */
  reset() {
    this.link?.close();
    this.link = null;
    this.state = null;
    this.storage.removeItem(this.config.storageKey);
    this.rendered.clear();
    this.el.log.replaceChildren();
    this.hideTyping();
    if (this.isOpen) this.ensureConversation();
    this.refreshChrome();
  }

  // ---- conversation ----------------------------------------------------------------------

  ensureConversation() {
    if (!this.state) {
      this.state = emptyState(newSessionId(this.win.crypto), Date.now());
      this.state.language = /** @type {"en" | "es"} */ (this.lang);
      this.state.languageChosen = this.config.language !== "auto";
      this.save();
    }
    this.startLink();
  }

  startLink() {
    if (this.link || !this.state) return;
    const { config } = this;
    this.setStatus("connecting");
    this.link = createLink({
      serverUrl: config.serverUrl,
      socketPath: config.socketPath,
      transports: config.transports,
      sessionId: this.state.sessionId,
      onBotMessage: (payload) => this.receive(payload),
      onStatus: (status) => this.setStatus(status),
      onReady: () => this.greetOnce(),
      onSession: (token) => {
        if (!this.state) return;
        this.state.sessionId = token; // issued by the server: the only id it will resume
        this.save();
      },
    });
    this.link.connect();
  }

  greetOnce() {
    const { state, config } = this;
    if (!state || state.greeted) return;
    state.greeted = true;
    this.save();
    if (config.initPayload && state.entries.length === 0) {
      // The first message: its language hint lets the bot greet (and warn) in Spanish at once.
      this.link.send(config.initPayload, this.metadata());
      this.showTyping();
    }
  }

  submit() {
    const text = this.el.input.value.trim();
    if (!text) return;
    if (looksLikeSsn(text) && this.ssnWarnedFor !== text) {
      this.ssnWarnedFor = text;
      this.el.warning.textContent = this.t("ssnWarning");
      this.el.warning.hidden = false;
      return;
    }
    this.ssnWarnedFor = "";
    this.el.warning.hidden = true;
    this.el.input.value = "";
    this.fitInput();
    this.say(text, text);
  }

  /**
   * Show `display` as the user's message and send `message` (the same text, or a /payload).
   * @param {string} display
   * @param {string} message
   */
  say(display, message) {
    this.ensureConversation();
    const { added, closed } = addUserMessage(this.state, display, Date.now());
    for (const entry of closed) this.refreshChips(entry);
    this.append(added, { follow: true });
    this.save();
    this.link.send(message, this.metadata());
    // While a pro has the chat the bot is paused: no instant answer is coming.
    if (!proActive(this.state.entries)) this.showTyping();
  }

  /** Send a photo or PDF of the notice; the bot's reading comes back over the socket. */
  async sendPhoto(file) {
    this.ensureConversation();
    const { added, closed } = addUserMessage(this.state, this.t("photoMessage"), Date.now());
    for (const entry of closed) this.refreshChips(entry);
    this.append(added, { follow: true });
    this.save();
    this.showTyping();
    const prepared = await preparePhoto(file, this.win);
    let problem = "error" in prepared ? prepared.error : "";
    if (!problem) {
      const socketId = await this.socketIdWhenReady();
      const status = socketId ? await uploadPhoto(this.win, this.config.serverUrl, {
        sessionId: this.state.sessionId, socketId, blob: prepared.blob, name: prepared.name,
        language: (this.metadata() || {}).language,
      }) : 0;
      if (status === 413) problem = "tooLarge";
      else if (status !== 200) problem = "failed";
    }
    if (problem) this.receive({ text: this.t(PHOTO_MESSAGE_KEYS[problem]) });
  }

  /** The socket's id, waiting up to 10 s for the session to be confirmed; "" when it is not. */
  async socketIdWhenReady() {
    for (let i = 0; i < 50; i += 1) {
      const id = this.link && this.link.socketId();
      if (id) return id;
      await new Promise((resolve) => this.win.setTimeout(resolve, 200));
    }
    return "";
  }

  choose(entryId, index) {
    if (!this.state) return;
    const button = chooseChip(this.state, entryId, index);
    if (!button) return;
    const entry = this.state.entries.find((e) => e.id === entryId);
    this.refreshChips(entry);
    this.say(button.title, button.payload);
    // The chip just became disabled and lost focus: keyboard users continue in the input.
    if (!this.win.matchMedia?.("(pointer: coarse)").matches) this.el.input.focus();
  }

  receive(payload) {
    if (!this.state) return;
    // The bot answers in the conversation's language: the widget follows it.
    const language = payloadLanguage(payload);
    if (language && language !== this.lang) this.setLanguage(language, true);
    const handedBack = [this.config.handedBackText, (this.config.es || {}).handedBackText, STRINGS.es.handedBackText];
    const added = addBotPayload(this.state, payload, {
      now: Date.now(), handedBackText: handedBack.filter(Boolean), attachmentLabel: this.t("openAttachment"),
    });
    if (!added.length) return;
    this.hideTyping();
    for (const entry of added) this.append(entry);
    if (!this.isOpen) this.state.unread += added.filter((e) => e.kind !== "divider").length;
    this.save();
    this.refreshChrome();
  }

  save() {
    if (this.state) saveState(this.storage, this.config.storageKey, this.state, this.config.historyLimit);
  }

  // ---- rendering -------------------------------------------------------------------------

  /**
   * @param {Entry} entry
   * @param {{follow?: boolean}} options follow: scroll to it even if the reader scrolled up
   */
  append(entry, { follow = false } = {}) {
    const nearEnd = this.pinned;
    const entries = this.state.entries;
    const previous = entries[entries.indexOf(entry) - 1];
    const node = this.render.entryNode(entry, previous);
    this.rendered.set(entry.id, node);
    this.el.log.appendChild(node);
    if (follow || nearEnd) this.scrollToEnd();
  }

  refreshChips(entry) {
    const node = this.rendered.get(entry.id);
    if (node) this.render.paintChips(node, entry);
  }

  refreshChrome() {
    const { el, state, config } = this;
    const unread = state && !this.isOpen ? state.unread : 0;
    el.badge.hidden = unread === 0;
    el.badge.textContent = unread > 9 ? "9+" : String(unread);
    const label = this.isOpen ? this.t("closeChat") : this.t("openChat", { title: config.title });
    el.launcher.setAttribute("aria-label",
      unread ? this.t(unread === 1 ? "unreadOne" : "unreadMany", { label, count: unread }) : label);
    el.human.hidden = Boolean(state && proActive(state.entries));
    this.renderStatus();
  }

  /** @param {import("./connection.js").LinkStatus} status */
  setStatus(status) {
    this.linkStatus = status;
    this.renderStatus();
  }

  renderStatus() {
    const status = this.linkStatus || "connecting";
    const withPro = status === "online" && this.state && proActive(this.state.entries);
    const shown = withPro ? "pro" : status;
    this.el.status.dataset.status = shown;
    this.el.statusText.textContent = {
      connecting: this.t("connecting"),
      online: this.t("subtitle"),
      pro: this.t("proActive"),
      offline: this.t("offline"),
    }[shown];
  }

  showTyping() {
    this.el.typing.hidden = false;
    this.scrollToEnd();
    this.win.clearTimeout(this.typingTimer);
    this.typingTimer = this.win.setTimeout(() => this.hideTyping(), TYPING_TIMEOUT_MS);
  }

  hideTyping() {
    this.win.clearTimeout(this.typingTimer);
    this.el.typing.hidden = true;
  }

  scrollToEnd() {
    this.pinned = true;
    this.el.scroll.scrollTop = this.el.scroll.scrollHeight;
  }

  fitInput() {
    const { input } = this.el;
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight + 3, 140)}px`;
  }
}
