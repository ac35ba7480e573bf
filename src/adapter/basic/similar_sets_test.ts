import assert from "node:assert/strict";
import { similarity, similarSets } from "./similar_sets.ts";

/** Every pair compared: what the join must equal. */
function allPairs(sets: readonly ReadonlySet<string>[], threshold: number) {
  return sets.map((a, i) =>
    sets.flatMap((b, j) => i !== j && similarity(a, b) >= threshold ? [j] : [])
  );
}

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("similarSets finds the same pairs as comparing every pair", () => {
  const next = random(7);
  const vocabulary = Array.from({ length: 30 }, (_, i) => `w${i}`);
  for (const threshold of [0.6, 0.5, 0.34, 1]) {
    // Sets built around a few shared cores, so many pairs are near the
    // threshold; some empty.
    const cores = Array.from(
      { length: 5 },
      () => vocabulary.filter(() => next() < 0.3),
    );
    const sets = Array.from({ length: 300 }, () => {
      const core = cores[Math.floor(next() * cores.length)];
      const set = new Set(core.filter(() => next() < 0.8));
      for (const word of vocabulary) if (next() < 0.05) set.add(word);
      return next() < 0.03 ? new Set<string>() : set;
    });
    const expected = allPairs(sets, threshold);
    assert.ok(expected.some((list) => list.length > 0));
    assert.deepEqual(similarSets(sets, threshold), expected, `t=${threshold}`);
  }
});

Deno.test("similarSets takes pairs exactly at the threshold", () => {
  // 3 shared of 5 in the union: exactly 0.6.
  const sets = [new Set(["a", "b", "c", "d"]), new Set(["a", "b", "c", "e"])];
  assert.deepEqual(similarSets(sets, 0.6), [[1], [0]]);
  assert.deepEqual(similarSets(sets, 0.61), [[], []]);
});

Deno.test("similarSets refuses a threshold outside (0, 1]", () => {
  for (const threshold of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => similarSets([], threshold), RangeError);
  }
});
