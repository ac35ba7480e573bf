import assert from "node:assert/strict";
import type { CaseRecord } from "./calibration_run.ts";
import { StepBuckets, type StepKind, stepKindOf } from "./step_buckets.ts";
import { PIPELINE_STEPS } from "../pipeline/step.ts";

const STEPS = [...PIPELINE_STEPS, "DONE"];

function recordAt(id: string, step: string): CaseRecord {
  return { gt: { id }, state: { current_step: step } } as unknown as CaseRecord;
}

function ids(records: Iterable<CaseRecord>): string[] {
  return [...records].map((r) => r.gt.id);
}

Deno.test("StepBuckets lists the cases of each kind in scenario order as they move, hold and finish", () => {
  // A deterministic walk: cases move to random steps, some are held.
  let seed = 3;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const records = Array.from(
    { length: 200 },
    (_, i) => recordAt(`C${i + 1}`, STEPS[Math.floor(next() * 2)]),
  );
  const buckets = new StepBuckets(records);
  const held = new Set<CaseRecord>();
  const kinds: StepKind[][] = [
    ["triage"],
    ["investigation"],
    ["review"],
    ["triage", "review", "other"],
  ];
  for (let round = 0; round < 400; round++) {
    for (let n = 0; n < 5; n++) {
      const record = records[Math.floor(next() * records.length)];
      const roll = next();
      if (roll < 0.15 && !held.has(record)) {
        buckets.hold(record);
        held.add(record);
      } else if (roll < 0.3 && held.has(record)) {
        buckets.unhold(record);
        held.delete(record);
      } else {
        record.state = {
          ...record.state,
          current_step: STEPS[Math.floor(next() * STEPS.length)] as never,
        };
        buckets.update(record);
      }
    }
    const wanted = kinds[round % kinds.length];
    const expected = records.filter((r) => {
      const kind = stepKindOf(r);
      return kind !== undefined && !held.has(r) && wanted.includes(kind);
    });
    // Scans stopped early must not lose anything either.
    const cut = [...buckets.cases(wanted)].slice(0, 3);
    assert.deepEqual(ids(cut), ids(expected.slice(0, 3)));
    for (const record of buckets.cases(wanted)) {
      if (next() < 0.05) break;
      void record;
    }
    assert.deepEqual(
      ids(buckets.cases(wanted)),
      ids(expected),
      `round ${round}`,
    );
  }
  buckets.unholdAll();
  assert.deepEqual(
    ids(buckets.cases(["triage", "investigation", "review", "other"])),
    ids(records.filter((r) => stepKindOf(r) !== undefined)),
  );
});

Deno.test("StepBuckets keeps a case held twice until both holds are taken back", () => {
  const record = recordAt("C1", "F0_RECALL");
  const buckets = new StepBuckets([record]);
  buckets.hold(record);
  buckets.hold(record);
  buckets.unhold(record);
  assert.deepEqual(ids(buckets.cases(["triage"])), []);
  buckets.unhold(record);
  assert.deepEqual(ids(buckets.cases(["triage"])), ["C1"]);
});
