// The conversation kept in the browser: the socket.io session id and what the panel shows.
//
// Rasa's socket.io channel does not replay a conversation, so the widget stores the visible
// history itself (localStorage, one JSON record) and re-renders it after a reload or on another
// page of the site.

const VERSION = 1;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A new, unguessable session id. Rasa trusts the id the client sends, so anyone who knows it
 * receives this conversation's replies: never derive it from anything predictable.
 * crypto.randomUUID exists only in secure contexts (https, localhost); getRandomValues everywhere.
 * @param {Crypto} crypto
 */
export function newSessionId(crypto) {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; // version 4
  b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * localStorage when the browser allows it, otherwise a memory store (private modes, blocked
 * cookies): the chat still works, it just does not survive a reload.
 * @param {Window} win
 * @returns {Pick<Storage, "getItem" | "setItem" | "removeItem">}
 */
export function browserStorage(win) {
  try {
    const storage = win.localStorage;
    const probe = "__tax_chat_probe__";
    storage.setItem(probe, "1");
    storage.removeItem(probe);
    return storage;
  } catch {
    const memory = new Map();
    return {
      getItem: (k) => (memory.has(k) ? memory.get(k) : null),
      setItem: (k, v) => void memory.set(k, String(v)),
      removeItem: (k) => void memory.delete(k),
    };
  }
}

/**
 * @typedef {{title: string, payload: string}} Button
 * @typedef {{
 *   id: number, kind: "user" | "bot" | "pro" | "divider", ts: number,
 *   text?: string, image?: string, buttons?: Button[], chosen?: number | null, closed?: boolean,
 *   divider?: "pro-joined" | "pro-left"
 * }} Entry
 * @typedef {{sessionId: string, updatedAt: number, greeted: boolean, unread: number,
 *   nextId: number, entries: Entry[], language?: "en" | "es", languageChosen?: boolean}} ChatState
 * `language` is the widget's language for this conversation; `languageChosen` says the taxpayer
 * (or the page, or the bot's replies) decided it, rather than the browser's default.
 */

/**
 * A fresh conversation.
 * @param {string} sessionId
 * @param {number} now epoch milliseconds
 * @returns {ChatState}
 */
export function emptyState(sessionId, now) {
  return { sessionId, updatedAt: now, greeted: false, unread: 0, nextId: 1, entries: [] };
}

/**
 * The stored conversation, or null when there is none, it is unreadable, or it was untouched
 * for longer than forgetAfterDays (then it is removed: a shared computer should not keep a tax
 * conversation forever).
 * @param {Pick<Storage, "getItem" | "removeItem">} storage
 * @param {string} key
 * @param {{now: number, forgetAfterDays: number}} options
 * @returns {ChatState | null}
 */
export function loadState(storage, key, { now, forgetAfterDays }) {
  let raw;
  try {
    raw = JSON.parse(storage.getItem(key) || "null");
  } catch {
    raw = null;
  }
  if (!isState(raw)) return null;
  if (now - raw.updatedAt > forgetAfterDays * DAY_MS) {
    storage.removeItem(key);
    return null;
  }
  const { v: _version, ...state } = raw;
  if (state.language !== undefined && state.language !== "en" && state.language !== "es") delete state.language;
  if (state.languageChosen !== undefined && typeof state.languageChosen !== "boolean") delete state.languageChosen;
  return state;
}

/**
 * Store the conversation, keeping only its last `limit` entries. Quota errors are swallowed:
 * losing history must never stop the chat.
 * @param {Pick<Storage, "setItem">} storage
 * @param {string} key
 * @param {ChatState} state
 * @param {number} limit
 */
export function saveState(storage, key, state, limit) {
  const entries = state.entries.slice(-limit);
  try {
    storage.setItem(key, JSON.stringify({ v: VERSION, ...state, entries }));
  } catch {
    /* storage full or blocked */
  }
}

function isState(raw) {
  return (
    raw !== null && typeof raw === "object" && raw.v === VERSION &&
    typeof raw.sessionId === "string" && raw.sessionId.length >= 16 &&
    typeof raw.updatedAt === "number" && Number.isInteger(raw.nextId) &&
    Array.isArray(raw.entries) && raw.entries.every(isEntry)
  );
}

function isEntry(e) {
  return (
    e !== null && typeof e === "object" && Number.isInteger(e.id) && typeof e.ts === "number" &&
    ["user", "bot", "pro", "divider"].includes(e.kind) &&
    (e.text === undefined || typeof e.text === "string") &&
    (e.image === undefined || typeof e.image === "string") &&
    (e.buttons === undefined || (Array.isArray(e.buttons) && e.buttons.every(
      (b) => b && typeof b.title === "string" && typeof b.payload === "string")))
  );
}
