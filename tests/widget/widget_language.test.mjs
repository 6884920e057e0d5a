// The widget in English and Spanish (node --test, no browser): the strings table, the language it
// starts in, the EN | ES switch, the bot's language, and the hint sent to the bot as metadata.
// Run by tests/widget/test_widget_language.py; the widget's npm packages (esbuild, jsdom) are used.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

const WIDGET = fileURLToPath(new URL("../../widget/", import.meta.url));
const require = createRequire(join(WIDGET, "package.json"));
const esbuild = require("esbuild");
const { JSDOM } = require("jsdom");

const i18n = await import(pathToFileURL(join(WIDGET, "src", "i18n.js")).href);
const { STRINGS, CONFIGURABLE, browserLanguage, initialLanguage, translate, validLanguage } = i18n;
const { DEFAULTS, resolveConfig } = await import(pathToFileURL(join(WIDGET, "src", "config.js")).href);
const { addBotPayload, payloadLanguage } = await import(pathToFileURL(join(WIDGET, "src", "conversation.js")).href);
const { emptyState, loadState, saveState } = await import(pathToFileURL(join(WIDGET, "src", "history.js")).href);
const { PHOTO_MESSAGES, PHOTO_MESSAGE_KEYS, uploadPhoto } = await import(pathToFileURL(join(WIDGET, "src", "photo.js")).href);

// ---- the strings table ------------------------------------------------------------------------

test("every English string of the widget has a Spanish one, with the same placeholders", () => {
  assert.deepEqual(Object.keys(STRINGS.es).sort(), Object.keys(STRINGS.en).sort());
  for (const [key, english] of Object.entries(STRINGS.en)) {
    const spanish = STRINGS.es[key];
    assert.equal(typeof spanish, "string", key);
    assert.ok(spanish.trim(), `${key} is empty in Spanish`);
    const names = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    assert.deepEqual(names(spanish), names(english), `${key}: placeholders differ`);
    if (!["languageGroup"].includes(key) && english.length > 12) assert.notEqual(spanish, english, `${key} is not translated`);
  }
});

test("the switch tells the bot in words its language reader understands", () => {
  assert.equal(STRINGS.es.switchMessage, "en español");
  assert.equal(STRINGS.en.switchMessage, "English please");
});

test("the widget's source has no English sentence outside the strings table", async () => {
  const { readFileSync } = await import("node:fs");
  for (const file of ["widget.js", "render.js", "photo.js"]) {
    const source = readFileSync(join(WIDGET, "src", file), "utf8").replace(/^\s*(\/\/|\*|\/\*\*).*$/gm, "");
    for (const sentence of ["Close chat", "Connecting…", "Photo of my notice", "A tax pro is in this chat",
      "Suggested replies", "Image sent in the chat", "The assistant is typing", "Your message", "aria-label=\"Send\"",
      "That looks like a Social Security number"]) {
      assert.ok(!source.includes(sentence), `${file} still has "${sentence}"`);
    }
  }
});

test("photo problems exist in both languages", () => {
  for (const [problem, key] of Object.entries(PHOTO_MESSAGE_KEYS)) {
    assert.equal(PHOTO_MESSAGES[problem], STRINGS.en[key]);
    assert.ok(translate("es", key).startsWith(STRINGS.es[key].slice(0, 10)));
  }
});

test("translate fills placeholders and falls back to English", () => {
  assert.equal(translate("es", "openChat", { title: "Milestone" }), "Chatear con Milestone");
  assert.equal(translate("fr", "send"), "Send");
  assert.equal(translate("es", "unreadMany", { label: "Abrir", count: 3 }), "Abrir (3 mensajes nuevos)");
});

// ---- which language ---------------------------------------------------------------------------

for (const [navigator, expected] of [
  [{ language: "es-MX" }, "es"], [{ language: "es" }, "es"], [{ language: "ES_us" }, "es"],
  [{ languages: ["es-419", "en-US"], language: "es-419" }, "es"], [{ languages: ["en-US", "es"], language: "en-US" }, "en"],
  [{ language: "en-US" }, "en"], [{ language: "estonian?" }, "en"], [{ language: "fr-FR" }, "en"], [{}, "en"], [undefined, "en"],
]) {
  test(`browser ${JSON.stringify(navigator)} starts in ${expected}`, () => {
    assert.equal(browserLanguage(navigator), expected);
    assert.equal(initialLanguage("auto", navigator), expected);
  });
}

test("a page may force the language and give its own Spanish texts", () => {
  assert.equal(initialLanguage("en", { language: "es-MX" }), "en");
  assert.equal(initialLanguage("es", { language: "en-US" }), "es");
  const page = { origin: "https://www.example.com" };
  assert.equal(resolveConfig(undefined, page).language, "auto");
  assert.equal(resolveConfig({ language: "es" }, page).language, "es");
  assert.equal(resolveConfig({ language: "de" }, page).language, "auto");
  const config = resolveConfig({ es: { disclaimer: "Solo información general.", title: "x", placeholder: 5 } }, page);
  assert.deepEqual(config.es, { disclaimer: "Solo información general." });
  for (const key of CONFIGURABLE) assert.equal(DEFAULTS[key], STRINGS.en[key]);
  assert.equal(validLanguage(" ES "), "es");
  assert.equal(validLanguage("es-MX"), "");
});

test("a bot payload's language, never a pro's", () => {
  assert.equal(payloadLanguage({ text: "Hola", language: "es" }), "es");
  assert.equal(payloadLanguage({ text: "Hi", language: "en" }), "en");
  assert.equal(payloadLanguage({ text: "Hola", language: "es", from_pro: "jane" }), "");
  assert.equal(payloadLanguage({ text: "x", language: "<script>" }), "");
  assert.equal(payloadLanguage(null), "");
});

test("the Spanish hand-back is recognised without the server's flag", () => {
  const state = emptyState("0b7c9b1e-4a52-4c1e-9a57-1f0e8a3b2c4d", 0);
  addBotPayload(state, { text: "Hola", from_pro: "jane" }, { now: 1, handedBackText: ["x"] });
  addBotPayload(state, { text: `${STRINGS.es.handedBackText}, el asistente virtual.` },
    { now: 2, handedBackText: [STRINGS.en.handedBackText, STRINGS.es.handedBackText] });
  assert.deepEqual(state.entries.map((e) => e.divider || e.kind), ["pro-joined", "pro", "pro-left", "bot"]);
});

test("the stored language survives a reload; a forged one is dropped", () => {
  const data = new Map();
  const storage = { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => data.set(k, v), removeItem: (k) => data.delete(k) };
  const state = { ...emptyState("0b7c9b1e-4a52-4c1e-9a57-1f0e8a3b2c4d", 0), language: "es", languageChosen: true };
  saveState(storage, "k", state, 200);
  assert.deepEqual(loadState(storage, "k", { now: 1, forgetAfterDays: 30 }), state);
  saveState(storage, "k", { ...state, language: "xx", languageChosen: "yes" }, 200);
  const loaded = loadState(storage, "k", { now: 1, forgetAfterDays: 30 });
  assert.equal(loaded.language, undefined);
  assert.equal(loaded.languageChosen, undefined);
});

test("a photo upload carries the language hint", async () => {
  const sent = [];
  class FormData { append(name, value) { sent.push([name, value]); } }
  const win = { FormData, fetch: async () => ({ status: 200 }) };
  await uploadPhoto(win, "https://bot.example.com", { sessionId: "s", socketId: "i", blob: "b", name: "n", language: "es" });
  assert.deepEqual(sent.find(([name]) => name === "language"), ["language", "es"]);
});

// ---- the widget in a DOM ----------------------------------------------------------------------

let TaxChat;
let workdir;
const windows = []; // every page's window, closed at the end: its timers would keep node running

before(async () => {
  workdir = mkdtempSync(join(tmpdir(), "tax-chat-i18n-"));
  const built = await esbuild.build({
    entryPoints: [join(WIDGET, "src", "widget.js")], bundle: true, format: "esm", platform: "browser",
    write: false, loader: { ".css": "text" }, logLevel: "error",
  });
  const file = join(workdir, "widget.mjs");
  writeFileSync(file, built.outputFiles[0].text);
  ({ TaxChat } = await import(pathToFileURL(file).href));
});

after(() => {
  // The widget's typing indicator sets a 30 s timer; closing the windows clears it, so node exits
  // when the tests are done instead of half a minute later.
  for (const win of windows) win.close();
  rmSync(workdir, { recursive: true, force: true });
});

/** A page whose browser prefers `language`, with the widget mounted and a fake socket link. */
function page(language, config = {}) {
  const dom = new JSDOM("<!doctype html><body></body>", { url: "https://www.example.com/", pretendToBeVisual: true });
  const win = dom.window;
  windows.push(win);
  Object.defineProperty(win.navigator, "language", { value: language, configurable: true });
  Object.defineProperty(win.navigator, "languages", { value: [language], configurable: true });
  const chat = new TaxChat(win, resolveConfig(config, win.location));
  const sent = [];
  chat.link = { connect() {}, close() {}, socketId: () => "", send: (message, metadata) => sent.push({ message, metadata }) };
  chat.mount();
  const shadow = win.document.querySelector("milestone-tax-chat").shadowRoot;
  const $ = (selector) => shadow.querySelector(selector);
  return { win, chat, sent, shadow, $ };
}

test("a Spanish browser gets every widget string in Spanish from the start", () => {
  const { chat, $, shadow } = page("es-MX");
  assert.equal(chat.lang, "es");
  assert.equal($(".tc-root").getAttribute("lang"), "es");
  assert.equal($(".tc-disclaimer span").textContent, STRINGS.es.disclaimer);
  assert.equal($(".tc-human span").textContent, STRINGS.es.humanLabel);
  assert.equal($(".tc-input").placeholder, STRINGS.es.placeholder);
  assert.equal($(".tc-send").getAttribute("aria-label"), "Enviar");
  assert.equal($(".tc-close").getAttribute("aria-label"), "Cerrar el chat");
  assert.equal($(".tc-photo").getAttribute("title"), STRINGS.es.photo);
  assert.equal($(".tc-log").getAttribute("aria-label"), "Conversación");
  assert.equal($(".tc-typing em").textContent, STRINGS.es.typing);
  assert.equal($(".tc-launcher").getAttribute("aria-label"), "Chatear con Milestone Tax Solutions");
  assert.equal($(".tc-lang-btn[data-lang='es']").getAttribute("aria-pressed"), "true");
  assert.equal($(".tc-lang-btn[data-lang='en']").getAttribute("aria-pressed"), "false");
  // No element was left with an English string from the table.
  const english = new Set(Object.values(STRINGS.en));
  for (const el of shadow.querySelectorAll("*")) {
    for (const value of [el.childElementCount ? "" : el.textContent, el.getAttribute("aria-label"), el.getAttribute("title"),
      el.getAttribute("placeholder")]) {
      if (value && value !== "EN" && value !== "English") assert.ok(!english.has(value), `English left: ${value}`);
    }
  }
});

test("the first message (the greeting) carries the Spanish hint; an English browser sends none", () => {
  const spanish = page("es-US");
  spanish.chat.open();
  spanish.chat.greetOnce();
  assert.deepEqual(spanish.sent, [{ message: "/greet", metadata: { language: "es" } }]);
  assert.equal(spanish.$(".tc-status-text").textContent, "Conectando…");

  const english = page("en-US");
  english.chat.open();
  english.chat.greetOnce();
  assert.deepEqual(english.sent, [{ message: "/greet", metadata: undefined }]);
  assert.equal(english.$(".tc-disclaimer span").textContent, STRINGS.en.disclaimer);
});

test("the EN | ES switch changes the strings at once and tells the bot in plain words", () => {
  const { chat, sent, $ } = page("en-US");
  chat.open();
  chat.receive({ text: "Hi! How can I help?", language: "en" });
  $(".tc-lang-btn[data-lang='es']").click();
  assert.equal(chat.lang, "es");
  assert.equal($(".tc-input").placeholder, STRINGS.es.placeholder);
  assert.equal($(".tc-human span").textContent, STRINGS.es.humanLabel);
  assert.deepEqual(sent.at(-1), { message: "en español", metadata: { language: "es" } });
  const users = [...$(".tc-log").querySelectorAll(".tc-msg--user")];
  assert.equal(users.at(-1).querySelector(".tc-bubble").textContent, "en español");
  assert.equal(users.at(-1).querySelector(".tc-who").textContent, "Usted");
  assert.equal($(".tc-log .tc-msg--bot .tc-who").textContent, "Asistente"); // the history is relabelled too
  // Later messages keep the hint; the switch back sends "English please".
  chat.say("¿qué es un CP504?", "¿qué es un CP504?");
  assert.deepEqual(sent.at(-1), { message: "¿qué es un CP504?", metadata: { language: "es" } });
  $(".tc-lang-btn[data-lang='en']").click();
  assert.deepEqual(sent.at(-1), { message: "English please", metadata: { language: "en" } });
  assert.equal($(".tc-input").placeholder, STRINGS.en.placeholder);
  assert.equal(chat.state.language, "en");
});

test("the widget follows the bot when the conversation turns Spanish, and the SSN warning is Spanish", () => {
  const { chat, sent, $ } = page("en-US");
  chat.open();
  chat.say("hola, tengo una carta del IRS", "hola, tengo una carta del IRS");
  assert.equal(sent.at(-1).metadata, undefined); // the bot reads the language from the words
  chat.receive({ text: "Claro, le ayudo.", language: "es" });
  assert.equal(chat.lang, "es");
  assert.equal($(".tc-status-text").textContent !== "Connecting…", true);
  assert.equal($(".tc-disclaimer span").textContent, STRINGS.es.disclaimer);
  chat.receive({ text: "Hola, soy Jane.", from_pro: "jane", language: "en" }); // a pro's message changes nothing
  assert.equal(chat.lang, "es");
  assert.equal($(".tc-divider").textContent, STRINGS.es.proJoined);
  $(".tc-input").value = "mi seguro es 123-45-6789";
  chat.submit();
  assert.equal($(".tc-warning").textContent, STRINGS.es.ssnWarning);
  assert.equal(chat.state.language, "es");
  chat.say("ok", "ok");
  assert.deepEqual(sent.at(-1).metadata, { language: "es" });
});

test("a page's Spanish texts win over the defaults", () => {
  const { $ } = page("es-ES", { es: { placeholder: "Pregunte aquí" }, placeholder: "Ask here" });
  assert.equal($(".tc-input").placeholder, "Pregunte aquí");
  const english = page("en-GB", { es: { placeholder: "Pregunte aquí" }, placeholder: "Ask here" });
  assert.equal(english.$(".tc-input").placeholder, "Ask here");
});
