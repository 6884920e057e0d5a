// The widget's settings: defaults, overridden by window.TaxChatConfig, checked before use.
// The texts a page overrides (subtitle, disclaimer, humanLabel, placeholder, handedBackText) are the
// English ones; TaxChatConfig.es = {...} overrides the same keys in Spanish (src/i18n.js has the
// defaults of both languages). `language` forces "en" or "es"; "auto" follows the browser.

import { CONFIGURABLE, STRINGS } from "./i18n.js";

export const DEFAULTS = Object.freeze({
  /** Rasa server origin (scheme, host, port); empty means the page's own origin. */
  serverUrl: "",
  socketPath: "/socket.io",
  /** "websocket" needs no CORS; add "polling" only if Rasa runs with --cors for this site. */
  transports: ["websocket"],
  title: "Milestone Tax Solutions",
  subtitle: STRINGS.en.subtitle,
  primaryColor: "#1f4e79",
  disclaimer: STRINGS.en.disclaimer,
  /** Sent (not shown) when a new conversation opens, so the bot greets first. Empty: none. */
  initPayload: "/greet",
  humanLabel: STRINGS.en.humanLabel,
  humanPayload: "/request_human",
  placeholder: STRINGS.en.placeholder,
  /** The bot's hand-back text (response utter_handed_back), for servers without the handed_back flag. */
  handedBackText: STRINGS.en.handedBackText,
  /** "auto" (the browser's language), "en" or "es". */
  language: "auto",
  /** Spanish overrides of the texts above, e.g. {disclaimer: "…"}; unset keys use src/i18n.js. */
  es: Object.freeze({}),
  storageKey: "milestone-tax-chat",
  historyLimit: 200,
  /** A conversation untouched this long is forgotten (history and session id). */
  forgetAfterDays: 30,
  openOnLoad: false,
});

const COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
const TRANSPORTS = new Set(["websocket", "polling", "webtransport"]);

function text(value, fallback, max = 200) {
  return typeof value === "string" && value.trim() ? value.trim().slice(0, max) : fallback;
}

function integer(value, fallback, min, max) {
  const n = Number(value);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.round(n))) : fallback;
}

/**
 * Resolve the settings a page gave (window.TaxChatConfig) against the defaults.
 * Unknown keys are ignored and invalid values fall back to the default, so a typo in a host
 * page never breaks the widget.
 * @param {Record<string, unknown> | undefined} raw
 * @param {{origin: string}} location the page's location (for the default server URL)
 */
export function resolveConfig(raw, location) {
  const given = raw && typeof raw === "object" ? raw : {};
  const config = { ...DEFAULTS };
  config.serverUrl = serverUrl(given.serverUrl, location.origin);
  const path = text(given.socketPath, DEFAULTS.socketPath);
  config.socketPath = path.startsWith("/") ? path : DEFAULTS.socketPath;
  const transports = Array.isArray(given.transports)
    ? given.transports.filter((t) => TRANSPORTS.has(t))
    : [];
  config.transports = transports.length ? transports : [...DEFAULTS.transports];
  for (const key of ["title", "subtitle", "disclaimer", "humanLabel", "placeholder",
    "handedBackText", "storageKey"]) {
    config[key] = text(given[key], DEFAULTS[key]);
  }
  for (const key of ["initPayload", "humanPayload"]) {
    config[key] = typeof given[key] === "string" ? given[key].trim().slice(0, 200) : DEFAULTS[key];
  }
  config.primaryColor = typeof given.primaryColor === "string" && COLOR.test(given.primaryColor)
    ? given.primaryColor
    : DEFAULTS.primaryColor;
  config.historyLimit = integer(given.historyLimit, DEFAULTS.historyLimit, 20, 1000);
  config.forgetAfterDays = integer(given.forgetAfterDays, DEFAULTS.forgetAfterDays, 1, 365);
  config.openOnLoad = given.openOnLoad === true;
  config.language = ["en", "es"].includes(given.language) ? given.language : DEFAULTS.language;
  const es = given.es && typeof given.es === "object" ? given.es : {};
  config.es = Object.fromEntries(CONFIGURABLE.filter((key) => typeof es[key] === "string" && es[key].trim())
    .map((key) => [key, text(es[key], "")]));
  return config;
}

function serverUrl(value, origin) {
  if (typeof value !== "string" || !value.trim()) return origin;
  try {
    const url = new URL(value.trim(), origin);
    if (url.protocol !== "http:" && url.protocol !== "https:") return origin;
    // A path would be read by socket.io as a namespace: a proxied prefix goes in socketPath.
    return url.origin;
  } catch {
    return origin;
  }
}

/**
 * The CSS custom properties for a primary colour: the colour, a darker shade for hover, a light
 * tint for chip hover and a translucent focus ring.
 * @param {string} hex "#rgb" or "#rrggbb" (resolveConfig checked it)
 * @returns {Record<string, string>}
 */
export function palette(hex) {
  const full = hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join("")}` : hex;
  const rgb = [1, 3, 5].map((i) => parseInt(full.slice(i, i + 2), 16));
  const mix = (toward, share) => `#${rgb
    .map((c) => Math.round(c + (toward - c) * share).toString(16).padStart(2, "0"))
    .join("")}`;
  return {
    "--tc-primary": full.toLowerCase(),
    "--tc-primary-dark": mix(0, 0.22),
    "--tc-primary-tint": mix(255, 0.91),
    "--tc-primary-ring": `rgba(${rgb.join(", ")}, 0.22)`,
  };
}
