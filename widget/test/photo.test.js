// The notice-photo upload: what is refused before sending, and what the upload request carries.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_FILE_BYTES, MAX_UPLOAD_BYTES, UPLOAD_PATH, preparePhoto, uploadPhoto } from "../src/photo.js";

const fakeFile = (size, type, name = "notice") => ({ size, type, name });
const noImages = { createImageBitmap: async () => { throw new Error("cannot decode"); } };

test("files over 10 MB and files that are neither images nor PDFs are refused before sending", async () => {
  assert.deepEqual(await preparePhoto(fakeFile(MAX_FILE_BYTES + 1, "image/jpeg"), noImages), { error: "tooLarge" });
  assert.deepEqual(await preparePhoto(fakeFile(1000, "application/zip"), noImages), { error: "notSupported" });
  assert.deepEqual(await preparePhoto(fakeFile(1000, ""), noImages), { error: "notSupported" });
});

test("a PDF goes as it is, unless it is over the server's request limit", async () => {
  const pdf = fakeFile(5000, "application/pdf", "letter.pdf");
  assert.deepEqual(await preparePhoto(pdf, noImages), { blob: pdf, name: "letter.pdf" });
  assert.deepEqual(await preparePhoto(fakeFile(MAX_UPLOAD_BYTES + 1, "application/pdf"), noImages),
    { error: "tooLarge" });
});

test("an image the browser cannot draw is sent as it is when small enough", async () => {
  const heic = fakeFile(300000, "image/heic", "IMG_1.heic");
  assert.deepEqual(await preparePhoto(heic, noImages), { blob: heic, name: "IMG_1.heic" });
  assert.deepEqual(await preparePhoto(fakeFile(MAX_UPLOAD_BYTES + 1, "image/heic"), noImages), { error: "tooLarge" });
});

test("the upload posts the session token, the socket id and the file; a network failure is status 0", async () => {
  const sent = [];
  class FormData {
    constructor() { this.fields = []; }
    append(...args) { this.fields.push(args); }
  }
  const win = { FormData, fetch: async (url, options) => { sent.push([url, options]); return { status: 200 }; } };
  const blob = { size: 3 };
  const status = await uploadPhoto(win, "http://bot.example:5005/", {
    sessionId: "token-1", socketId: "sid-1", blob, name: "notice.jpg" });
  assert.equal(status, 200);
  assert.equal(sent[0][0], "http://bot.example:5005" + UPLOAD_PATH);
  assert.equal(sent[0][1].method, "POST");
  assert.deepEqual(sent[0][1].body.fields, [["session_id", "token-1"], ["sid", "sid-1"], ["file", blob, "notice.jpg"]]);
  const failing = { FormData, fetch: async () => { throw new TypeError("network"); } };
  assert.equal(await uploadPhoto(failing, "", { sessionId: "t", socketId: "s", blob, name: "n" }), 0);
});
