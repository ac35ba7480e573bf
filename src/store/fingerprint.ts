/**
 * The symptom fingerprint (reference §3.4): a 64-bit FNV-1a hash of a failed
 * test's name, error message and symptom category.
 *
 * @module
 */

const encoder = new TextEncoder();

/**
 * Computes the fingerprint of a symptom: 64-bit FNV-1a (xor, then multiply,
 * modulo 2^64) over the UTF-8 bytes of
 * `testName + "|" + errorMessage + "|" + category`, rendered as 16 lowercase
 * hexadecimal digits, zero-padded.
 *
 * @param testName The failed test's name.
 * @param errorMessage The test's error message.
 * @param category The triage symptom category.
 * @returns The fingerprint, 16 lowercase hexadecimal digits.
 *
 * @example Usage
 * ```ts
 * import { fingerprint } from "./fingerprint.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(fingerprint("", "", ""), "08e34c07b581a8a5");
 * ```
 */
export function fingerprint(
  testName: string,
  errorMessage: string,
  category: string,
): string {
  const bytes = encoder.encode(`${testName}|${errorMessage}|${category}`);
  // The 64-bit hash as four 16-bit limbs (h0 lowest), starting from the
  // offset basis 0xcbf29ce484222325; the prime 2^40 + 0x1b3 has the limbs
  // 0x01b3 (limb 0) and 0x0100 (limb 2). Every product stays below 2^31.
  let h0 = 0x2325, h1 = 0x8422, h2 = 0x9ce4, h3 = 0xcbf2;
  for (const byte of bytes) {
    h0 ^= byte;
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + h0 * 0x100 + (t1 >>> 16);
    const t3 = h3 * 0x1b3 + h1 * 0x100 + (t2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  }
  return [h3, h2, h1, h0].map((h) => h.toString(16).padStart(4, "0")).join("");
}
