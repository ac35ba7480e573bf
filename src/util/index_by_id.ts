/**
 * Looking items up by id in arrays sorted by id (the store's snapshots).
 *
 * @module
 */

/**
 * The position in `sorted` (ascending ids) of the item with `id`, or -1, by
 * binary search.
 *
 * @example
 * ```ts
 * import { indexById } from "./index_by_id.ts";
 * import assert from "node:assert/strict";
 *
 * const rows = [{ id: 2 }, { id: 5 }, { id: 9 }];
 * assert.equal(indexById(rows, 5), 1);
 * assert.equal(indexById(rows, 4), -1);
 * ```
 */
export function indexById(
  sorted: readonly { readonly id: number }[],
  id: number,
): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const at = sorted[mid].id;
    if (at === id) return mid;
    if (at < id) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

/**
 * The item of `sorted` (ascending ids) with `id`, or `undefined`.
 *
 * @example
 * ```ts
 * import { findById } from "./index_by_id.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(findById([{ id: 2 }, { id: 5 }], 5), { id: 5 });
 * ```
 */
export function findById<T extends { readonly id: number }>(
  sorted: readonly T[],
  id: number,
): T | undefined {
  const at = indexById(sorted, id);
  return at < 0 ? undefined : sorted[at];
}
