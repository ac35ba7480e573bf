import assert from "node:assert/strict";
import { fingerprint } from "./fingerprint.ts";

// Expected values were computed once with an independent FNV-1a 64
// implementation (Python, over `"|".join(parts).encode("utf-8")`), which
// reproduces the published FNV-1a 64 vectors: "" → cbf29ce484222325,
// "a" → af63dc4c8601ec8c, "foobar" → 85944171f73967e8.

Deno.test("fingerprint() matches independently computed vectors", () => {
  assert.equal(
    fingerprint("TestFoo", "timeout waiting", "network"),
    "0f1c6f82b1d1eb95",
  );
  assert.equal(
    fingerprint("ptp4l sync", "offset exceeded 100ns", "product"),
    "2f2bc437aaa2bc31",
  );
  assert.equal(fingerprint("a", "", ""), "e726ab1905478544");
});

Deno.test("fingerprint() hashes the separators when every part is empty", () => {
  // The input is "||", not "": the empty string would give the offset basis.
  assert.equal(fingerprint("", "", ""), "08e34c07b581a8a5");
  assert.notEqual(fingerprint("", "", ""), "cbf29ce484222325");
});

Deno.test("fingerprint() zero-pads to 16 lowercase hex digits", () => {
  for (
    const value of [
      fingerprint("", "", ""),
      fingerprint("TestFoo", "timeout waiting", "network"),
      fingerprint("x", "y", "z"),
    ]
  ) {
    assert.match(value, /^[0-9a-f]{16}$/);
  }
  // Both vectors below start with a zero digit.
  assert.ok(fingerprint("", "", "").startsWith("0"));
  assert.ok(
    fingerprint("TestFoo", "timeout waiting", "network").startsWith("0"),
  );
});

Deno.test("fingerprint() hashes non-ASCII input as UTF-8 bytes", () => {
  assert.equal(fingerprint("Überprüfung", "時間切れ", "é"), "5194042aa811e13e");
});

Deno.test("fingerprint() depends on the order of the parts", () => {
  assert.notEqual(fingerprint("a", "b", "c"), fingerprint("a", "c", "b"));
  assert.notEqual(fingerprint("a", "b", "c"), fingerprint("c", "b", "a"));
  assert.equal(fingerprint("a", "b", "c"), fingerprint("a", "b", "c"));
});

Deno.test("fingerprint() does not escape separators inside the parts", () => {
  // Per reference §3.4 the joined string is hashed as is: both give "a|b|c|".
  assert.equal(fingerprint("a|b", "c", ""), fingerprint("a", "b|c", ""));
});
