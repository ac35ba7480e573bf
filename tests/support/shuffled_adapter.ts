/**
 * An adapter wrapper for tests of the sliding window: each answer is
 * computed when it is asked for, then held back for a seeded number of
 * microtask turns, so answers come back in another order than they were
 * asked (no timers: runs stay deterministic and fast).
 *
 * @module
 */
import type { ModelAdapter } from "../../src/adapter/model_adapter.ts";

/** A small seeded generator (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `adapter` whose answers come back after 0 to `maxTurns` microtask turns,
 * chosen by a generator seeded with `seed`.
 */
export function shuffledAdapter(
  adapter: ModelAdapter,
  seed: number,
  maxTurns = 64,
): ModelAdapter {
  const next = random(seed);
  return {
    name: adapter.name,
    async answer(request) {
      const turns = Math.floor(next() * (maxTurns + 1));
      const answer = await adapter.answer(request);
      for (let i = 0; i < turns; i++) await Promise.resolve();
      return answer;
    },
  };
}
