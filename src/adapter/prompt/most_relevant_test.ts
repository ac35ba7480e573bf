import assert from "node:assert/strict";
import { mostRelevant, topPositions } from "./most_relevant.ts";

/** What the one-pass pick must equal: every item sorted, then cut. */
function bySorting<T extends { readonly id: number }>(
  items: readonly T[],
  score: (item: T) => number,
  max: number,
): T[] {
  return items.map((item) => ({ item, score: score(item) }))
    .sort((a, b) => b.score - a.score || a.item.id - b.item.id)
    .slice(0, max)
    .map((s) => s.item)
    .sort((a, b) => a.id - b.id);
}

Deno.test("mostRelevant equals sorting every item by score, ties by id, for lists in any order", () => {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let round = 0; round < 200; round++) {
    const count = Math.floor(next() * 40);
    const items = Array.from({ length: count }, (_, i) => ({
      id: i + 1,
      // Few distinct scores, so ties are common.
      score: Math.floor(next() * 4) / 4,
    })).sort(() => next() - 0.5);
    const max = 1 + Math.floor(next() * 10);
    const score = (item: { score: number }) => item.score;
    assert.deepEqual(
      mostRelevant(items, score, max),
      bySorting(items, score, max),
    );
  }
});

Deno.test("mostRelevant calls score once per item and returns none of an empty list", () => {
  let calls = 0;
  const items = [{ id: 2 }, { id: 1 }, { id: 3 }];
  mostRelevant(items, () => ++calls, 2);
  assert.equal(calls, 3);
  assert.deepEqual(mostRelevant([], () => 1, 8), []);
});

Deno.test("topPositions equals mostRelevant over items in position order, ties by the lower position", () => {
  let seed = 11;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let round = 0; round < 300; round++) {
    const length = Math.floor(next() * 60);
    const scores = Float64Array.from(
      { length: length + 3 }, // a longer buffer: only `length` count
      () => [-Infinity, 0, 0.25, 0.5, 1, 2][Math.floor(next() * 6)],
    );
    const max = 1 + Math.floor(next() * 10);
    const items = Array.from({ length }, (_, at) => ({ id: at }));
    assert.deepEqual(
      topPositions(scores, length, max),
      mostRelevant(items, (item) => scores[item.id], max).map((i) => i.id),
    );
  }
});
