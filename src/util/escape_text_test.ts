import assert from "node:assert/strict";
import { escapeText } from "./escape_text.ts";

Deno.test("escapeText makes escape sequences, carriage returns and newlines visible", () => {
  assert.equal(
    escapeText("x\x1b[2K\r\nRESULT: PASS (20/20)"),
    "x\\u001b[2K\\r\\nRESULT: PASS (20/20)",
  );
});

Deno.test("escapeText escapes DEL, C1 controls, line separators and bidi overrides", () => {
  assert.equal(
    escapeText("a\x7fb\u009bc\u2028d\u202ee\u2066f\x00"),
    "a\\u007fb\\u009bc\\u2028d\\u202ee\\u2066f\\u0000",
  );
});

Deno.test("escapeText keeps tabs, plain text and (when asked) newlines", () => {
  assert.equal(escapeText("plain\ttext → ü"), "plain\ttext → ü");
  assert.equal(
    escapeText("one\ntwo\r\x1b", { keepNewlines: true }),
    "one\ntwo\\r\\u001b",
  );
});

Deno.test("escapeText output stays valid inside a JSON string", () => {
  const raw = "agent said \u009b31m hi";
  const json = JSON.stringify({ error: raw });
  assert.deepEqual(JSON.parse(escapeText(json)), { error: raw });
});
