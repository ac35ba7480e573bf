/**
 * Picking the few most relevant items of a long list in one pass.
 *
 * @module
 */

/**
 * The `max` items with the highest `score`, ties by the lower id, returned
 * by id: what sorting every item by score would give, found in one pass that
 * keeps only the best `max` (a prompt picks 8 of thousands of RCAs and
 * symptoms at every step). `score` is called once per item, with its position.
 *
 * @example
 * ```ts
 * import { mostRelevant } from "./most_relevant.ts";
 * import assert from "node:assert/strict";
 *
 * const items = [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }];
 * const score = (item: { id: number }) => (item.id === 3 ? 1 : 0);
 * assert.deepEqual(mostRelevant(items, score, 2), [{ id: 1 }, { id: 3 }]);
 * ```
 */
export function mostRelevant<T extends { readonly id: number }>(
  items: Iterable<T>,
  score: (item: T, index: number) => number,
  max: number,
): T[] {
  const best: { item: T; score: number }[] = [];
  const before = (value: number, id: number, b: { item: T; score: number }) =>
    value > b.score || (value === b.score && id < b.item.id);
  let index = 0;
  for (const item of items) {
    const value = score(item, index++);
    // Most items lose to the worst kept one: no allocation for them.
    if (best.length >= max && !before(value, item.id, best[best.length - 1])) {
      continue;
    }
    let at = best.length;
    while (at > 0 && before(value, item.id, best[at - 1])) at -= 1;
    best.splice(at, 0, { item, score: value });
    if (best.length > max) best.pop();
  }
  return best.map((b) => b.item).sort((a, b) => a.id - b.id);
}
