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

/**
 * The positions of the `max` highest of the first `length` scores, ties by
 * the lower position, in ascending order: {@linkcode mostRelevant} for
 * scores computed beforehand into an array (a prompt scores every RCA and
 * symptom of a snapshot sorted by id, so a lower position is a lower id).
 * A loop over numbers only stays fast where one generic function called
 * with RCAs, symptoms and their different scores would be optimised and
 * thrown away again at every call.
 *
 * @example
 * ```ts
 * import { topPositions } from "./most_relevant.ts";
 * import assert from "node:assert/strict";
 *
 * const scores = Float64Array.of(0, 0.5, 0, 1, 0.5);
 * assert.deepEqual(topPositions(scores, scores.length, 2), [1, 3]);
 * ```
 */
export function topPositions(
  scores: Float64Array,
  length: number,
  max: number,
): number[] {
  const best: number[] = [];
  let worst = -Infinity;
  for (let at = 0; at < length; at++) {
    const value = scores[at];
    // A later position never wins a tie: it must beat the worst kept one.
    if (best.length >= max && !(value > worst)) continue;
    let place = best.length;
    while (place > 0 && value > scores[best[place - 1]]) place -= 1;
    best.splice(place, 0, at);
    if (best.length > max) best.pop();
    worst = scores[best[best.length - 1]];
  }
  return best.sort((a, b) => a - b);
}
