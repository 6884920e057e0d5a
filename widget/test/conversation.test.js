// What bot_uttered payloads add to the conversation: messages, chips, tax-pro dividers.
import assert from "node:assert/strict";
import { test } from "node:test";
import { addBotPayload, addUserMessage, chooseChip, looksLikeSsn, proActive } from "../src/conversation.js";
import { emptyState } from "../src/history.js";

const HANDED_BACK = "The tax pro has handed you back to me";
const opts = { now: 1000, handedBackText: HANDED_BACK };
const fresh = () => emptyState("0b7c9b1e-4a52-4c1e-9a57-1f0e8a3b2c4d", 0);
const kinds = (state) => state.entries.map((e) => e.divider || e.kind);

test("a text message", () => {
  const state = fresh();
  const added = addBotPayload(state, { text: "Hello" }, opts);
  assert.deepEqual(added, [{ id: 1, ts: 1000, kind: "bot", text: "Hello" }]);
  assert.equal(state.nextId, 2);
});

test("quick replies (Rasa's socket.io shape) become chips", () => {
  const state = fresh();
  const [entry] = addBotPayload(state, {
    text: "What next?",
    quick_replies: [
      { content_type: "text", title: "My options", payload: "/ask_relief_options" },
      { content_type: "text", title: "Talk to a tax pro", payload: "/request_human" },
    ],
  }, opts);
  assert.deepEqual(entry.buttons, [
    { title: "My options", payload: "/ask_relief_options" },
    { title: "Talk to a tax pro", payload: "/request_human" },
  ]);
  assert.equal(entry.closed, false);
});

test("malformed buttons are dropped", () => {
  const state = fresh();
  const [entry] = addBotPayload(state, { text: "x", quick_replies: [{ title: "" }, null, { title: 1, payload: "/a" },
    { title: "ok", payload: "/ok" }] }, opts);
  assert.deepEqual(entry.buttons, [{ title: "ok", payload: "/ok" }]);
});

test("image attachments: http(s) only", () => {
  const state = fresh();
  assert.equal(addBotPayload(state, { attachment: { type: "image", payload: { src: "https://x/y.png" } } }, opts)[0].image,
    "https://x/y.png");
  assert.deepEqual(addBotPayload(state, { attachment: { type: "image", payload: { src: "javascript:alert(1)" } } }, opts), []);
});

test("other attachments become a link (http(s) only)", () => {
  const state = fresh();
  const [entry] = addBotPayload(state, { attachment: { type: "file",
    payload: { src: "https://example.com/Form 9465 (2024).pdf", name: "Form 9465 [payment plan]" } } }, opts);
  assert.equal(entry.text, "[Form 9465 payment plan](https://example.com/Form%209465%20%282024%29.pdf)");
  assert.deepEqual(addBotPayload(state, { attachment: { type: "file", payload: { src: "javascript:alert(1)" } } }, opts), []);
  assert.deepEqual(addBotPayload(state, { attachment: { type: "file", payload: { src: "https://x/%E0%A4%A" } } }, opts), []);
});

test("a custom payload with text is shown (Rasa emits its data as is)", () => {
  const state = fresh();
  assert.equal(addBotPayload(state, { text: "From a custom payload" }, opts)[0].text, "From a custom payload");
});

test("payloads with nothing to show add nothing", () => {
  const state = fresh();
  for (const payload of [null, "text", 42, {}, { text: "" }, { custom: { a: 1 } }]) {
    assert.deepEqual(addBotPayload(state, payload, opts), []);
  }
  assert.equal(state.entries.length, 0);
});

test("the first pro message brings a 'tax pro has joined' divider, later ones do not", () => {
  const state = fresh();
  addBotPayload(state, { text: "Let me get a pro." }, opts);
  addBotPayload(state, { text: "Hi, I'm Jane.", from_pro: "jane" }, opts);
  addBotPayload(state, { text: "I see your CP504.", from_pro: "jane" }, opts);
  assert.deepEqual(kinds(state), ["bot", "pro-joined", "pro", "pro"]);
  assert.equal(proActive(state.entries), true);
});

test("the hand-back flag ends the pro's turn with a divider", () => {
  const state = fresh();
  addBotPayload(state, { text: "Hi, I'm Jane.", from_pro: "jane" }, opts);
  addBotPayload(state, { text: `${HANDED_BACK}, the virtual assistant.`, handed_back: true }, opts);
  assert.deepEqual(kinds(state), ["pro-joined", "pro", "pro-left", "bot"]);
  assert.equal(proActive(state.entries), false);
  addBotPayload(state, { text: "Back again.", from_pro: "jane" }, opts);
  assert.deepEqual(kinds(state).slice(-2), ["pro-joined", "pro"]);
});

test("the hand-back text is recognised without the flag (Rasa's own socket.io channel)", () => {
  const state = fresh();
  addBotPayload(state, { text: "Hi", from_pro: "jane" }, opts);
  addBotPayload(state, { text: `${HANDED_BACK}, the virtual assistant.` }, opts);
  assert.deepEqual(kinds(state), ["pro-joined", "pro", "pro-left", "bot"]);
});

test("a pro quoting the hand-back sentence does not end their own turn", () => {
  const state = fresh();
  addBotPayload(state, { text: `${HANDED_BACK} — you'll see this later`, from_pro: "jane" }, opts);
  assert.equal(proActive(state.entries), true);
});

test("a user message closes chips still open", () => {
  const state = fresh();
  addBotPayload(state, { text: "?", quick_replies: [{ title: "Yes", payload: "/affirm" }] }, opts);
  const { added, closed } = addUserMessage(state, "no thanks", 2000);
  assert.equal(added.kind, "user");
  assert.equal(closed.length, 1);
  assert.equal(state.entries[0].closed, true);
  assert.equal(state.entries[0].chosen, null);
});

test("choosing a chip returns its button once", () => {
  const state = fresh();
  const [entry] = addBotPayload(state, { text: "?", quick_replies: [
    { title: "Yes", payload: "/affirm" }, { title: "No", payload: "/deny" }] }, opts);
  assert.deepEqual(chooseChip(state, entry.id, 1), { title: "No", payload: "/deny" });
  assert.equal(entry.chosen, 1);
  assert.equal(chooseChip(state, entry.id, 0), null, "a second click sends nothing");
  assert.equal(chooseChip(state, 999, 0), null);
});

const SSN_CASES = [
  ["my ssn is 123-45-6789", true],
  ["123 45 6789", true],
  ["123456789", true],
  ["ssn:123-45-6789.", true],
  ["call me at 215-555-0147", false],
  ["2155550147", false],
  ["(215) 555-0147", false],
  ["zip 19102-1234", false],
  ["I owe $12,345.67", false],
  ["tax years 2019-2021", false],
  ["123-456789", false],
  ["1234567890123", false],
];
for (const [text, expected] of SSN_CASES) {
  test(`looksLikeSsn(${JSON.stringify(text)}) is ${expected}`, () => {
    assert.equal(looksLikeSsn(text), expected);
  });
}
