/**
 * A set-similarity join: every pair of word sets whose Jaccard similarity
 * reaches a threshold, found without comparing every pair. Sets are indexed
 * by a prefix of their words in a global order (rarest words first): two sets
 * at least `t` similar share a word among their first `|x| - ⌈t·|x|⌉ + 1`
 * words (prefix filtering, as in Bayardo et al., "Scaling up all pairs
 * similarity search", 2007), so only sets that share a prefix word are
 * compared. A run of 10,000 cases with 5,000 distinct error signatures makes
 * a few thousand comparisons instead of 12.5 million.
 *
 * @module
 */

/** Jaccard similarity of two word sets (1 for two empty sets). */
export function similarity(
  a: ReadonlySet<string>,
  b: ReadonlySet<string>,
): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared += 1;
  return shared / (a.size + b.size - shared);
}

/**
 * For each of `sets`, the indices of the other sets whose
 * {@linkcode similarity} to it is at least `threshold` (ascending) — the same
 * pairs as comparing every pair, since candidates are checked with
 * {@linkcode similarity} itself.
 *
 * @example Usage
 * ```ts
 * import { similarSets } from "./similar_sets.ts";
 * import assert from "node:assert/strict";
 *
 * const sets = [
 *   new Set(["lease", "expired", "slow"]),
 *   new Set(["disk", "full"]),
 *   new Set(["lease", "expired", "slow", "probe"]),
 * ];
 * assert.deepEqual(similarSets(sets, 0.6), [[2], [], [0]]);
 * ```
 *
 * @throws {RangeError} when `threshold` is not in (0, 1].
 */
export function similarSets(
  sets: readonly ReadonlySet<string>[],
  threshold: number,
): number[][] {
  if (!(threshold > 0 && threshold <= 1)) {
    throw new RangeError(
      `Cannot join sets at similarity ${threshold}: expected a number in (0, 1]`,
    );
  }
  // Words become ids numbered rarest first, so each set is a sorted id list
  // whose prefix holds its rarest words.
  const frequency = new Map<string, number>();
  for (const set of sets) {
    for (const word of set) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  }
  const order = [...frequency.keys()].sort((a, b) =>
    frequency.get(a)! - frequency.get(b)! || (a < b ? -1 : a > b ? 1 : 0)
  );
  const idOf = new Map(order.map((word, id) => [word, id]));
  const ids = sets.map((set) =>
    Int32Array.from(set, (word) => idOf.get(word)!).sort()
  );
  const similar: number[][] = sets.map(() => []);
  /** Earlier sets by the ids of their prefixes' words. */
  const byPrefixWord: number[][] = order.map(() => []);
  /** `seen[j] === i + 1` once set `j` was compared with set `i`. */
  const seen = new Int32Array(sets.length);
  const empty: number[] = [];
  for (let i = 0; i < sets.length; i++) {
    const words = ids[i];
    if (words.length === 0) {
      // Two empty sets are alike; an empty set is like no other.
      for (const j of empty) {
        similar[j].push(i);
        similar[i].push(j);
      }
      empty.push(i);
      continue;
    }
    // The 1e-9 keeps a product like 0.6 × 5 = 3.0000000000000004 at 3: a
    // longer prefix only adds candidates, a shorter one would lose pairs.
    const needed = Math.ceil(threshold * words.length - 1e-9);
    const prefix = Math.max(words.length - needed + 1, 1);
    for (let p = 0; p < prefix; p++) {
      for (const j of byPrefixWord[words[p]]) {
        if (seen[j] === i + 1) continue;
        seen[j] = i + 1;
        const shared = overlap(ids[j], words);
        if (shared / (ids[j].length + words.length - shared) >= threshold) {
          similar[j].push(i);
          similar[i].push(j);
        }
      }
    }
    for (let p = 0; p < prefix; p++) byPrefixWord[words[p]].push(i);
  }
  // Pairs are found in order of their later set; sort each list ascending.
  for (const list of similar) list.sort((a, b) => a - b);
  return similar;
}

/** How many ids two ascending id lists share. */
function overlap(a: Int32Array, b: Int32Array): number {
  let shared = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] === b[j]) {
      shared += 1;
      i += 1;
      j += 1;
    } else if (a[i] < b[j]) i += 1;
    else j += 1;
  }
  return shared;
}
