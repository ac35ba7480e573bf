/**
 * Synchronous work behind a promise-returning API.
 *
 * @module
 */

/**
 * Runs `fn` now and returns its result as a promise: what it throws becomes
 * a rejection, never a synchronous throw. The asynchronous face of a
 * synchronous operation (small file writes, in-memory store calls), which is
 * much cheaper here than the awaited asynchronous operation it replaces.
 *
 * @example
 * ```ts
 * import { settle } from "./settle.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await settle(() => 2), 2);
 * await assert.rejects(settle(() => {
 *   throw new Error("boom");
 * }), /boom/);
 * ```
 */
export function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error);
  }
}
