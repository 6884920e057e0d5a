// window.TaxChatConfig: defaults, and bad values never break the widget.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULTS, palette, resolveConfig } from "../src/config.js";

const page = { origin: "https://www.example.com" };

test("defaults: the page's own origin, Rasa's socket.io path, websocket only", () => {
  const config = resolveConfig(undefined, page);
  assert.equal(config.serverUrl, "https://www.example.com");
  assert.equal(config.socketPath, "/socket.io");
  assert.deepEqual(config.transports, ["websocket"]);
  assert.equal(config.disclaimer, "General information, not tax or legal advice. Never type your SSN.");
  assert.equal(config.humanPayload, "/request_human");
});

test("a page's settings override the defaults", () => {
  const config = resolveConfig({ serverUrl: "http://localhost:5005", title: "Acme Tax", primaryColor: "#0a0",
    initPayload: "", historyLimit: 50 }, page);
  assert.equal(config.serverUrl, "http://localhost:5005");
  assert.equal(config.title, "Acme Tax");
  assert.equal(config.primaryColor, "#0a0");
  assert.equal(config.initPayload, "");
  assert.equal(config.historyLimit, 50);
});

test("the server URL keeps only the origin (a path would be a socket.io namespace)", () => {
  assert.equal(resolveConfig({ serverUrl: "https://bot.example.com/rasa/" }, page).serverUrl, "https://bot.example.com");
});

for (const [key, value] of [
  ["serverUrl", "javascript:alert(1)"], ["serverUrl", "not a url at all ::"], ["primaryColor", "red;}body{display:none"],
  ["primaryColor", "url(x)"], ["title", ""], ["title", 42], ["socketPath", "socket.io"], ["transports", ["carrier-pigeon"]],
  ["historyLimit", "lots"], ["forgetAfterDays", -5],
]) {
  test(`invalid ${key}=${JSON.stringify(value)} falls back`, () => {
    const config = resolveConfig({ [key]: value }, page);
    const expected = key === "serverUrl" ? page.origin : key === "forgetAfterDays" ? 1 : DEFAULTS[key];
    assert.deepEqual(config[key], expected);
  });
}

test("palette derives hover, tint and focus-ring shades", () => {
  assert.deepEqual(palette("#1f4e79"), {
    "--tc-primary": "#1f4e79",
    "--tc-primary-dark": "#183d5e",
    "--tc-primary-tint": "#ebeff3",
    "--tc-primary-ring": "rgba(31, 78, 121, 0.22)",
  });
  assert.equal(palette("#FFF")["--tc-primary"], "#ffffff");
});
