// The conversation kept in localStorage: session id, expiry, limits, damaged records.
import assert from "node:assert/strict";
import { webcrypto } from "node:crypto";
import { test } from "node:test";
import { browserStorage, emptyState, loadState, newSessionId, saveState } from "../src/history.js";

const DAY = 24 * 60 * 60 * 1000;
const KEY = "chat";

function memoryStorage() {
  const data = new Map();
  return {
    data,
    getItem: (k) => (data.has(k) ? data.get(k) : null),
    setItem: (k, v) => void data.set(k, String(v)),
    removeItem: (k) => void data.delete(k),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test("session ids are random v4 UUIDs", () => {
  const a = newSessionId(webcrypto);
  assert.match(a, UUID);
  assert.notEqual(a, newSessionId(webcrypto));
});

test("without randomUUID (plain-http pages) ids still come from getRandomValues", () => {
  const crypto = { getRandomValues: (b) => webcrypto.getRandomValues(b) };
  const ids = new Set(Array.from({ length: 50 }, () => newSessionId(crypto)));
  assert.equal(ids.size, 50);
  for (const id of ids) assert.match(id, UUID);
});

test("a saved conversation loads back", () => {
  const storage = memoryStorage();
  const state = emptyState(newSessionId(webcrypto), 1000);
  state.entries.push({ id: 1, ts: 1000, kind: "user", text: "hi" });
  state.nextId = 2;
  saveState(storage, KEY, state, 200);
  assert.deepEqual(loadState(storage, KEY, { now: 2000, forgetAfterDays: 30 }), state);
});

test("only the last `limit` entries are kept", () => {
  const storage = memoryStorage();
  const state = emptyState(newSessionId(webcrypto), 0);
  for (let i = 1; i <= 30; i += 1) state.entries.push({ id: i, ts: i, kind: "bot", text: `m${i}` });
  state.nextId = 31;
  saveState(storage, KEY, state, 20);
  const loaded = loadState(storage, KEY, { now: 100, forgetAfterDays: 30 });
  assert.equal(loaded.entries.length, 20);
  assert.equal(loaded.entries[0].text, "m11");
  assert.equal(loaded.nextId, 31);
});

test("a conversation untouched for too long is forgotten and removed", () => {
  const storage = memoryStorage();
  saveState(storage, KEY, emptyState(newSessionId(webcrypto), 0), 200);
  assert.equal(loadState(storage, KEY, { now: 31 * DAY, forgetAfterDays: 30 }), null);
  assert.equal(storage.data.has(KEY), false);
});

for (const [name, raw] of [
  ["missing", null],
  ["not JSON", "{oops"],
  ["another version", JSON.stringify({ v: 99, sessionId: "x".repeat(36), updatedAt: 0, nextId: 1, entries: [] })],
  ["a short session id", JSON.stringify({ v: 1, sessionId: "abc", updatedAt: 0, nextId: 1, entries: [] })],
  ["a bad entry", JSON.stringify({ v: 1, sessionId: "x".repeat(36), updatedAt: 0, nextId: 2,
    entries: [{ id: 1, ts: 0, kind: "script", text: "x" }] })],
  ["bad buttons", JSON.stringify({ v: 1, sessionId: "x".repeat(36), updatedAt: 0, nextId: 2,
    entries: [{ id: 1, ts: 0, kind: "bot", buttons: [{ title: 1 }] }] })],
]) {
  test(`a record that is ${name} gives a new conversation`, () => {
    const storage = memoryStorage();
    if (raw !== null) storage.setItem(KEY, raw);
    assert.equal(loadState(storage, KEY, { now: 0, forgetAfterDays: 30 }), null);
  });
}

test("a full storage does not break saving", () => {
  const storage = { setItem() { throw new Error("QuotaExceededError"); } };
  assert.doesNotThrow(() => saveState(storage, KEY, emptyState("x".repeat(36), 0), 200));
});

test("blocked localStorage falls back to memory", () => {
  const win = { get localStorage() { throw new Error("SecurityError"); } };
  const storage = browserStorage(win);
  storage.setItem("a", "1");
  assert.equal(storage.getItem("a"), "1");
  storage.removeItem("a");
  assert.equal(storage.getItem("a"), null);
});
