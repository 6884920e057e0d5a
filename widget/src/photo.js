// A photo (or PDF) of the notice, sent to the bot's upload endpoint for this conversation.
// Photos are scaled down in the browser first: a phone camera's 4-12 MB picture becomes a JPEG
// of a few hundred kB that still reads well, and fits the server's request limit. Nothing is kept
// in the widget's storage: only the words "Photo of my notice" ("Foto de mi aviso") appear in the
// history.

import { STRINGS } from "./i18n.js";

export const UPLOAD_PATH = "/webhooks/socketio/notice_photo";
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_UPLOAD_BYTES = 1900 * 1000; // under the Rasa server's 2 MB request limit
const MAX_SIDE = 2200;

/** The string key (src/i18n.js) of each problem preparePhoto and the upload can report. */
export const PHOTO_MESSAGE_KEYS = Object.freeze({
  tooLarge: "photoTooLarge", notSupported: "photoNotSupported", failed: "photoFailed",
});
/** The problems in English (the Spanish ones: translate("es", PHOTO_MESSAGE_KEYS[problem])). */
export const PHOTO_MESSAGES = Object.freeze(Object.fromEntries(
  Object.entries(PHOTO_MESSAGE_KEYS).map(([problem, key]) => [problem, STRINGS.en[key]])));

/**
 * The file to upload: a PDF as it is, an image scaled down to a JPEG; or an error message key.
 * @param {File} file
 * @param {Window & typeof globalThis} win
 * @returns {Promise<{blob: Blob, name: string} | {error: keyof typeof PHOTO_MESSAGES}>}
 */
export async function preparePhoto(file, win) {
  if (file.size > MAX_FILE_BYTES) return { error: "tooLarge" };
  const type = (file.type || "").toLowerCase();
  if (type === "application/pdf") {
    return file.size > MAX_UPLOAD_BYTES ? { error: "tooLarge" } : { blob: file, name: file.name || "notice.pdf" };
  }
  if (!type.startsWith("image/")) return { error: "notSupported" };
  let blob = file;
  try {
    const bitmap = await win.createImageBitmap(file);
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = win.document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close?.();
    blob = await new Promise((resolve) => canvas.toBlob((b) => resolve(b || file), "image/jpeg", 0.88));
  } catch {
    // A type the browser cannot draw (HEIC on most desktops): the server reads the original.
  }
  if (blob.size > MAX_UPLOAD_BYTES) return { error: "tooLarge" };
  return { blob, name: blob === file ? file.name || "notice" : "notice.jpg" };
}

/**
 * POST the file with this conversation's session id and the socket's id (the server checks that
 * the socket joined the session). Resolves to the HTTP status, or 0 when the request failed.
 * @param {Window & typeof globalThis} win
 * @param {string} serverUrl
 * @param {{sessionId: string, socketId: string, blob: Blob, name: string, language?: string}} upload
 */
export async function uploadPhoto(win, serverUrl, upload) {
  const form = new win.FormData();
  form.append("session_id", upload.sessionId);
  form.append("sid", upload.socketId);
  if (upload.language) form.append("language", upload.language); // the widget's language hint
  form.append("file", upload.blob, upload.name);
  try {
    const response = await win.fetch(serverUrl.replace(/\/$/, "") + UPLOAD_PATH, { method: "POST", body: form });
    return response.status;
  } catch {
    return 0;
  }
}
