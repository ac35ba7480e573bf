/**
 * The symptom fingerprint (reference §3.4): a 64-bit FNV-1a hash of a failed
 * test's name, error message and symptom category.
 *
 * @module
 */

const OFFSET_BASIS = 14695981039346656037n;
const PRIME = 1099511628211n;
const MASK = (1n << 64n) - 1n;
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
  let hash = OFFSET_BASIS;
  for (const byte of bytes) {
    hash ^= BigInt(byte);
    hash = (hash * PRIME) & MASK;
  }
  return hash.toString(16).padStart(16, "0");
}
