// Entry point of tax-chat.js. Embed with:
//   <script>window.TaxChatConfig = {serverUrl: "https://bot.example.com", title: "…"}</script>
//   <script src="/tax-chat.js" defer></script>
// The page then has window.TaxChat with open(), close(), toggle(), ask(text), reset() and
// language(code) ("en" / "es": like the EN | ES switch in the chat's header).

import { resolveConfig } from "./config.js";
import { TaxChat } from "./widget.js";

function start() {
  if (window.TaxChat) return; // the script was included twice
  const chat = new TaxChat(window, resolveConfig(window.TaxChatConfig, window.location));
  chat.mount();
  window.TaxChat = Object.freeze({
    open: () => chat.open(),
    close: () => chat.close(),
    toggle: () => chat.toggle(),
    ask: (/** @type {string} */ text) => chat.ask(String(text)),
    reset: () => chat.reset(),
    language: (/** @type {string} */ code) => {
      chat.open();
      chat.switchLanguage(String(code));
    },
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
