// The widget's own words in English and Spanish, and how the widget picks its language.
//
// The bot's messages come in the conversation's language from the server; these tables hold only
// what the widget itself shows (header, placeholder, buttons, screen-reader labels, errors, status).
// Every key of STRINGS.en must exist in STRINGS.es (tests/widget/widget_language.test.mjs checks it).
//
// The language: a page may force one (TaxChatConfig.language "en" / "es"); otherwise the browser's
// (navigator.language starting with "es" means Spanish), until the taxpayer uses the EN | ES switch
// in the header (which also tells the bot, as a plain message) or the bot's replies show that the
// conversation moved to the other language (the server marks them with `language`).

export const LANGUAGES = Object.freeze(["en", "es"]);

export const STRINGS = Object.freeze({
  en: Object.freeze({
    subtitle: "Virtual assistant",
    disclaimer: "General information, not tax or legal advice. Never type your SSN.",
    humanLabel: "Talk to a tax pro",
    placeholder: "Type your question…",
    handedBackText: "The tax pro has handed you back to me",
    connecting: "Connecting…",
    proActive: "A tax pro is in this chat",
    offline: "Offline, reconnecting…",
    closeChat: "Close chat",
    openChat: "Chat with {title}",
    unreadOne: "{label} (1 new message)",
    unreadMany: "{label} ({count} new messages)",
    conversation: "Conversation",
    typing: "The assistant is typing",
    yourMessage: "Your message",
    photo: "Send a photo or PDF of your notice",
    send: "Send",
    whoUser: "You",
    whoBot: "Assistant",
    whoPro: "Tax pro",
    proJoined: "A tax pro has joined the chat",
    proLeft: "The tax pro has left; you're back with the assistant",
    imageAlt: "Image sent in the chat",
    suggestedReplies: "Suggested replies",
    yourChoice: "{title} (your choice)",
    openAttachment: "Open the attachment",
    ssnWarning: "That looks like a Social Security number. Please don't share it in this chat: " +
      "a tax pro will ask for it securely if it's ever needed. Edit your message, or press Send again " +
      "if it isn't one.",
    photoMessage: "Photo of my notice",
    photoTooLarge: "That file is too large for me. Please send a photo of the first page of the notice, " +
      "or type the code printed on it.",
    photoNotSupported: "I can only read photos and PDFs. Please send a photo of the first page of the " +
      "notice, or type the code printed on it.",
    photoFailed: "Sorry, I couldn't send that photo. Please try again in a minute, or type the code " +
      "printed on the notice.",
    languageGroup: "Language",
    languageName: "English",
    /** What the switch sends to the bot when the taxpayer picks this language (the NLU reads it). */
    switchMessage: "English please",
  }),
  es: Object.freeze({
    subtitle: "Asistente virtual",
    disclaimer: "Información general, no es asesoría fiscal ni legal. Nunca escriba su número de Seguro Social.",
    humanLabel: "Hablar con un profesional",
    placeholder: "Escriba su pregunta…",
    handedBackText: "El profesional de impuestos le pasó de nuevo conmigo",
    connecting: "Conectando…",
    proActive: "Un profesional de impuestos está en este chat",
    offline: "Sin conexión, reconectando…",
    closeChat: "Cerrar el chat",
    openChat: "Chatear con {title}",
    unreadOne: "{label} (1 mensaje nuevo)",
    unreadMany: "{label} ({count} mensajes nuevos)",
    conversation: "Conversación",
    typing: "El asistente está escribiendo",
    yourMessage: "Su mensaje",
    photo: "Enviar una foto o un PDF de su aviso",
    send: "Enviar",
    whoUser: "Usted",
    whoBot: "Asistente",
    whoPro: "Profesional de impuestos",
    proJoined: "Un profesional de impuestos se unió al chat",
    proLeft: "El profesional de impuestos salió; está de nuevo con el asistente",
    imageAlt: "Imagen enviada en el chat",
    suggestedReplies: "Respuestas sugeridas",
    yourChoice: "{title} (su elección)",
    openAttachment: "Abrir el archivo adjunto",
    ssnWarning: "Eso parece un número de Seguro Social. No lo comparta en este chat: un profesional de " +
      "impuestos se lo pedirá de forma segura si alguna vez hace falta. Corrija su mensaje, o pulse Enviar " +
      "otra vez si no lo es.",
    photoMessage: "Foto de mi aviso",
    photoTooLarge: "Ese archivo es demasiado grande para mí. Envíe una foto de la primera página del aviso, " +
      "o escriba el código impreso en él.",
    photoNotSupported: "Solo puedo leer fotos y archivos PDF. Envíe una foto de la primera página del " +
      "aviso, o escriba el código impreso en él.",
    photoFailed: "Lo siento, no pude enviar esa foto. Intente de nuevo en un minuto, o escriba el código " +
      "impreso en el aviso.",
    languageGroup: "Idioma",
    languageName: "Español",
    switchMessage: "en español",
  }),
});

/** The keys a page may override per language (TaxChatConfig and TaxChatConfig.es). */
export const CONFIGURABLE = Object.freeze(["subtitle", "disclaimer", "humanLabel", "placeholder", "handedBackText"]);

/**
 * "en" or "es" when `value` is one of them (any case), else "".
 * @param {unknown} value
 */
export function validLanguage(value) {
  const code = typeof value === "string" ? value.trim().toLowerCase() : "";
  return LANGUAGES.includes(code) ? code : "";
}

/**
 * The browser's language: "es" when its first preferred language is Spanish (es, es-MX, es-419…).
 * @param {{language?: string, languages?: readonly string[]} | undefined} navigator
 */
export function browserLanguage(navigator) {
  const first = navigator && Array.isArray(navigator.languages) && navigator.languages.length
    ? navigator.languages[0]
    : navigator && navigator.language;
  return typeof first === "string" && /^es(?:[-_]|$)/i.test(first.trim()) ? "es" : "en";
}

/**
 * The widget's language before the taxpayer says anything: the page's setting ("en" / "es"),
 * else the browser's.
 * @param {string} setting "auto", "en" or "es"
 * @param {{language?: string, languages?: readonly string[]} | undefined} navigator
 */
export function initialLanguage(setting, navigator) {
  return validLanguage(setting) || browserLanguage(navigator);
}

/**
 * One string of `language`'s table with its {placeholders} filled.
 * @param {string} language
 * @param {keyof typeof STRINGS.en} key
 * @param {Record<string, string | number>} [values]
 */
export function translate(language, key, values = {}) {
  const table = STRINGS[validLanguage(language) || "en"];
  const text = key in table ? table[key] : STRINGS.en[key];
  return String(text ?? "").replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/**
 * Put `language`'s strings into the elements that name a key: `data-i18n` (text),
 * `data-i18n-aria-label` and `data-i18n-title` (attributes).
 * @param {ParentNode} root
 * @param {string} language
 */
export function localize(root, language) {
  root.querySelectorAll("[data-i18n]").forEach((el) => {
    el.textContent = translate(language, el.getAttribute("data-i18n"));
  });
  for (const attribute of ["aria-label", "title"]) {
    root.querySelectorAll(`[data-i18n-${attribute}]`).forEach((el) => {
      el.setAttribute(attribute, translate(language, el.getAttribute(`data-i18n-${attribute}`)));
    });
  }
}
