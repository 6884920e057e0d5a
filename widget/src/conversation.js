// Pure conversation logic: what a bot_uttered payload adds to the history, chips, handoff signs.
// No DOM here, so node --test covers it.

/** @typedef {import("./history.js").ChatState} ChatState */
/** @typedef {import("./history.js").Entry} Entry */
/** @typedef {import("./history.js").Button} Button */

const MAX_TEXT = 5000;

/**
 * Whether a tax pro is talking right now: a pro message came after the last hand-back.
 * @param {Entry[]} entries
 */
export function proActive(entries) {
  for (let i = entries.length - 1; i >= 0; i -= 1) {
    const e = entries[i];
    if (e.kind === "pro" || e.divider === "pro-joined") return true;
    if (e.divider === "pro-left") return false;
  }
  return false;
}

/**
 * The conversation's language a bot payload shows: the server marks a domain response's text
 * with `language` ("en" / "es"); "" for anything else (a pro's message, composed text).
 * @param {unknown} payload
 */
export function payloadLanguage(payload) {
  if (!payload || typeof payload !== "object") return "";
  const p = /** @type {Record<string, any>} */ (payload);
  if (typeof p.from_pro === "string" && p.from_pro !== "") return "";
  return p.language === "en" || p.language === "es" ? p.language : "";
}

/**
 * Add what one bot_uttered payload carries to the state. Returns the entries added (dividers
 * first), or none for a payload with nothing to show.
 *
 * Payloads come from Rasa's socket.io output ({text}, {text, quick_replies}, {attachment}) plus
 * the project's channel flags: `from_pro` (a tax pro's username) and `handed_back`.
 * `handedBackText` is the start of the bot's hand-back text (or a list of them, one per language)
 * for servers without the flag; `attachmentLabel` names an attachment link without a name.
 * @param {ChatState} state
 * @param {unknown} payload
 * @param {{now: number, handedBackText: string | string[], attachmentLabel?: string}} options
 * @returns {Entry[]}
 */
export function addBotPayload(state, payload, { now, handedBackText, attachmentLabel = "Open the attachment" }) {
  if (!payload || typeof payload !== "object") return [];
  const p = /** @type {Record<string, any>} */ (payload);
  const text = [typeof p.text === "string" ? p.text.slice(0, MAX_TEXT) : "", fileLink(p, attachmentLabel)]
    .filter(Boolean).join("\n");
  const fromPro = typeof p.from_pro === "string" && p.from_pro !== "";
  const handedBackTexts = (Array.isArray(handedBackText) ? handedBackText : [handedBackText])
    .filter((start) => typeof start === "string" && start !== "");
  const handedBack = p.handed_back === true ||
    (!fromPro && handedBackTexts.some((start) => text.startsWith(start)));
  const buttons = [...readButtons(p.quick_replies), ...readButtons(p.buttons)];
  const image = imageOf(p);
  const added = [];
  const push = (entry) => {
    const full = { id: state.nextId, ts: now, ...entry };
    state.nextId += 1;
    state.entries.push(full);
    added.push(full);
  };

  if (fromPro && !proActive(state.entries)) push({ kind: "divider", divider: "pro-joined" });
  // Shown even when no pro message was seen here: a pro's replies sent while this page was
  // closed never reach it (Rasa's socket.io channel does not replay them).
  if (handedBack) push({ kind: "divider", divider: "pro-left" });
  if (text || image || buttons.length) {
    push({
      kind: fromPro ? "pro" : "bot",
      ...(text ? { text } : {}),
      ...(image ? { image } : {}),
      ...(buttons.length ? { buttons, chosen: null, closed: false } : {}),
    });
  }
  state.updatedAt = now;
  return added;
}

/**
 * Add the user's own message (as shown: a chip's title, not its payload). Any chips still open
 * are closed: they answered an earlier question.
 * @param {ChatState} state
 * @param {string} text
 * @param {number} now
 * @returns {{added: Entry, closed: Entry[]}}
 */
export function addUserMessage(state, text, now) {
  const closed = closeChips(state.entries);
  const added = { id: state.nextId, ts: now, kind: "user", text: text.slice(0, MAX_TEXT) };
  state.nextId += 1;
  state.entries.push(added);
  state.updatedAt = now;
  return { added, closed };
}

/**
 * Record that chip `index` of entry `entryId` was chosen. Returns the button to send, or null
 * when the entry has no such chip or its chips are closed already (a double click).
 * @param {ChatState} state
 * @param {number} entryId
 * @param {number} index
 * @returns {Button | null}
 */
export function chooseChip(state, entryId, index) {
  const entry = state.entries.find((e) => e.id === entryId);
  if (!entry || !entry.buttons || entry.closed || !entry.buttons[index]) return null;
  entry.chosen = index;
  entry.closed = true;
  return entry.buttons[index];
}

/** @param {Entry[]} entries */
function closeChips(entries) {
  const closed = entries.filter((e) => e.buttons && !e.closed);
  for (const e of closed) e.closed = true;
  return closed;
}

/** @returns {Button[]} */
function readButtons(list) {
  if (!Array.isArray(list)) return [];
  return list
    .filter((b) => b && typeof b.title === "string" && b.title.trim() &&
      typeof b.payload === "string" && b.payload.trim())
    .slice(0, 12)
    .map((b) => ({ title: b.title.trim().slice(0, 80), payload: b.payload.slice(0, 1000) }));
}

/** An http(s) image URL from {attachment: {type: "image", payload: {src}}} or {image}. */
function imageOf(p) {
  const a = p.attachment;
  const src = a && typeof a === "object" && a.type === "image" && a.payload && typeof a.payload === "object"
    ? a.payload.src
    : p.image;
  return typeof src === "string" && /^https?:\/\//i.test(src) ? src : "";
}

/**
 * A non-image attachment with an http(s) address, as a Markdown link:
 * {attachment: {type: "file" | "video" | …, payload: {src | url, name | title}}}.
 */
function fileLink(p, fallbackLabel) {
  const a = p.attachment;
  if (!a || typeof a !== "object" || a.type === "image" || !a.payload || typeof a.payload !== "object") return "";
  const src = a.payload.src || a.payload.url;
  if (typeof src !== "string" || !/^https?:\/\//i.test(src)) return "";
  const label = String(a.payload.name || a.payload.title || fallbackLabel).replace(/[[\]()<>\\`*_]/g, "").slice(0, 80);
  let href;
  try {
    // Normalised percent-encoding, and no parentheses to end the Markdown link early.
    href = encodeURI(decodeURI(src)).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  } catch {
    return ""; // malformed %-escapes
  }
  return `[${label || fallbackLabel}](${href})`;
}

// A US SSN written as 123-45-6789, 123 45 6789 or nine bare digits (not part of a longer number).
// (No lookbehind: Safari before 16.4 cannot parse it, and would drop the whole widget.)
const SSN = /(?:^|[^\d-])(?:\d{3}([- ])\d{2}\1\d{4}|\d{9})(?![\d-])/;

/**
 * Whether a message seems to contain a Social Security number, so the widget can warn before
 * sending it. Phone numbers (10 digits) and ZIP+4 codes do not match.
 * @param {string} text
 */
export function looksLikeSsn(text) {
  return SSN.test(text);
}
