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

Deno.test("CaseSimilarity.scorer gives exactly between() and toText(), wordless and blank signatures and texts first seen later included", () => {
  const messages = [
    "lease expired after probe timeout on node <n>",
    "lease expired after probe timeout",
    "disk full on node",
    "!!! ???",
    "",
    "probe timeout",
    "expected 3 got 4 in reconcile loop",
  ];
  const cases: SimilarityCase[] = [];
  for (let id = 1; id <= 40; id++) {
    cases.push({
      id,
      name: id % 5 === 0 ? "?" : `test ${id % 3} reconcile`,
      errorMessage: messages[(id * 3) % messages.length],
    });
  }
  const index = new CaseSimilarity(cases);
  const texts = [...messages, "  ", "timeout of lease", "#$%"];
  // Some texts are seen before a scorer is made, the rest only after.
  for (const text of texts.slice(0, 4)) index.toText(1, text);
  for (const self of cases) {
    const scorer = index.scorer(self.id);
    for (const other of [...cases, { id: 999 }]) {
      assert.equal(
        scorer.caseScore(other.id),
        index.between(self.id, other.id),
        `case ${self.id} vs ${other.id}`,
      );
    }
    for (const text of texts) {
      assert.equal(
        scorer.textScore(text),
        index.toText(self.id, text),
        `case ${self.id} vs "${text}"`,
      );
    }
  }
  const unknown = index.scorer(999);
  assert.equal(unknown.caseScore(1), 0);
  assert.equal(unknown.textScore(messages[0]), 0);
});

Deno.test("CaseSimilarity.textIds gives ids whose textScoreOf equals toText, the same array again for the same items", () => {
  const index = new CaseSimilarity([
    { id: 1, name: "t", errorMessage: "lease expired after probe timeout" },
    { id: 2, name: "t", errorMessage: "disk full" },
  ]);
  const items = [
    { pattern: "probe timeout" },
    { pattern: "" },
    { pattern: "disk full on node" },
    { pattern: "probe timeout" },
  ];
  const ids = index.textIds(items, (item) => item.pattern);
  assert.equal(index.textIds(items, (item) => item.pattern), ids);
  assert.equal(ids[0], ids[3]);
  const scorer = index.scorer(1);
  items.forEach((item, at) => {
    assert.equal(scorer.textScoreOf(ids[at]), index.toText(1, item.pattern));
  });
  // A new array of the same length with one text changed: its id follows.
  const changed = [
    items[0],
    { pattern: "disk full on node" },
    ...items.slice(2),
  ];
  const changedIds = index.textIds(changed, (item) => item.pattern);
  assert.equal(changedIds[0], ids[0]);
  assert.equal(changedIds[1], ids[2]);
  assert.notEqual(changedIds[1], ids[1]);
  // A new array is looked at again, texts first seen after the scorer too.
  const later = [{ pattern: "lease expired" }];
  const laterIds = index.textIds(later, (item) => item.pattern);
  assert.equal(
    scorer.textScoreOf(laterIds[0]),
    index.toText(1, "lease expired"),
  );
});

Deno.test("CaseSimilarity.groupIds gives groups whose caseScoreOfGroup equals between(), -1 (score 0) for unknown cases", () => {
  const index = new CaseSimilarity([
    { id: 1, name: "t", errorMessage: "lease expired after probe timeout" },
    { id: 2, name: "t", errorMessage: "disk full" },
    { id: 3, name: "t", errorMessage: "lease expired after probe timeout" },
    { id: 4, name: "t", errorMessage: "probe timeout on node" },
  ]);
  const rcas = [{ origin: 2 }, { origin: 3 }, { origin: 99 }, { origin: 4 }];
  const ids = index.groupIds(rcas, (rca) => rca.origin);
  assert.equal(index.groupIds(rcas, (rca) => rca.origin), ids);
  assert.equal(ids[2], -1);
  for (const self of [1, 2, 4, 99]) {
    const scorer = index.scorer(self);
    rcas.forEach((rca, at) => {
      assert.equal(
        scorer.caseScoreOfGroup(ids[at]),
        index.between(self, rca.origin),
        `case ${self} vs ${rca.origin}`,
      );
    });
  }
});
