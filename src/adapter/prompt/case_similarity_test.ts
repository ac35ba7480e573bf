import assert from "node:assert/strict";
import { CaseSimilarity, type SimilarityCase } from "./case_similarity.ts";
import {
  failureSignature,
  signatureWords,
  similarity,
} from "../basic/basic_request.ts";

/** The ranking as first written: every group scored and sorted. */
function referenceNearest(
  cases: readonly SimilarityCase[],
  caseId: number,
  count: number,
): number[] {
  const groups = new Map<string, { words: Set<string>; ids: number[] }>();
  const signatureOf = new Map<number, string>();
  for (const c of [...cases].sort((a, b) => a.id - b.id)) {
    const signature = failureSignature({
      errorMessage: c.errorMessage,
      testName: c.name,
    });
    signatureOf.set(c.id, signature);
    const group = groups.get(signature);
    if (group === undefined) {
      groups.set(signature, { words: signatureWords(signature), ids: [c.id] });
    } else group.ids.push(c.id);
  }
  const own = groups.get(signatureOf.get(caseId)!)!;
  const ranking = [...groups.values()]
    .map((group) => ({
      group,
      score: group === own ? 1 : similarity(own.words, group.words),
    }))
    .sort((a, b) => b.score - a.score || a.group.ids[0] - b.group.ids[0])
    .flatMap((s) => s.group.ids);
  return ranking.filter((id) => id !== caseId).slice(0, count);
}

/** Seeded pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

Deno.test("CaseSimilarity.nearest() equals scoring and sorting every signature", () => {
  const words = [
    "lease",
    "expired",
    "probe",
    "timeout",
    "disk",
    "full",
    "clock",
    "offset",
    "holdover",
    "daemon",
  ];
  for (const seed of [1, 2, 3]) {
    const next = random(seed);
    const cases: SimilarityCase[] = Array.from({ length: 120 }, (_, i) => {
      const picked = words.filter(() => next() < 0.25);
      return {
        id: 120 - i,
        name: `test-${Math.floor(next() * 5)}`,
        // Some blank messages: their signature is the test name's.
        errorMessage: next() < 0.1 ? "" : picked.join(" "),
      };
    });
    const index = new CaseSimilarity(cases);
    for (const { id } of cases) {
      for (const count of [1, 5, 24, 200]) {
        assert.deepEqual(
          index.nearest(id, count),
          referenceNearest(cases, id, count),
          `seed ${seed}, case ${id}, count ${count}`,
        );
      }
    }
  }
});

Deno.test("CaseSimilarity.nearest() of an unknown case is empty", () => {
  const index = new CaseSimilarity([
    { id: 1, name: "a", errorMessage: "disk full" },
  ]);
  assert.deepEqual(index.nearest(2, 3), []);
  assert.deepEqual(index.nearest(1, 3), []);
});
