/**
 * The unfinished cases of a run grouped by the kind of step each is at, each
 * group in scenario order, kept up to date as cases move on. The parallel
 * scheduler reads the next ready cases from them after every answer: scanning
 * every case each time made a run of N cases take O(N²).
 *
 * A case can also be held out of its group while it waits for something (an
 * earlier similar case, its cluster's representative), so waiting cases cost
 * nothing per scan. Entries are removed lazily: a case that moves on or is
 * held is skipped where it was and compacted away once skipped entries
 * outnumber live ones.
 *
 * @module
 */
import { type CaseRecord, isFinished } from "./calibration_run.ts";

/** Kinds of step, as the scheduler orders them. */
export type StepKind = "triage" | "investigation" | "review" | "other";

const KIND_OF_STEP: Readonly<Record<string, StepKind>> = {
  F0_RECALL: "triage",
  F1_TRIAGE: "triage",
  F2_RESOLVE: "investigation",
  F3_INVESTIGATE: "investigation",
  F4_CORRELATE: "investigation",
  F5_REVIEW: "review",
  F6_REPORT: "review",
};

/** The kind of `step`. */
export function stepKind(step: string): StepKind {
  return KIND_OF_STEP[step] ?? "other";
}

/** The kind of `record`'s current step, `undefined` once it finished. */
export function stepKindOf(record: CaseRecord): StepKind | undefined {
  if (isFinished(record)) return undefined;
  return stepKind(record.state.current_step);
}

interface Bucket {
  /** Positions in scenario order; some may have moved on (dead). */
  positions: number[];
  /** Whether a position is in `positions` (alive or dead). */
  readonly present: Uint8Array;
}

/**
 * The unfinished cases of `records` by {@linkcode StepKind}.
 *
 * @example Usage
 * ```ts
 * import { StepBuckets } from "./step_buckets.ts";
 * import type { CaseRecord } from "./calibration_run.ts";
 * import assert from "node:assert/strict";
 *
 * const at = (id: string, step: string) =>
 *   ({ gt: { id }, state: { current_step: step } }) as unknown as CaseRecord;
 * const records = [at("C1", "F3_INVESTIGATE"), at("C2", "F0_RECALL")];
 * const buckets = new StepBuckets(records);
 * assert.deepEqual([...buckets.cases(["triage"])].map((r) => r.gt.id), ["C2"]);
 * records[1].state = { ...records[1].state, current_step: "F2_RESOLVE" };
 * buckets.update(records[1]);
 * assert.deepEqual(
 *   [...buckets.cases(["investigation"])].map((r) => r.gt.id),
 *   ["C1", "C2"],
 * );
 * ```
 */
export class StepBuckets {
  readonly #records: readonly CaseRecord[];
  readonly #position = new Map<CaseRecord, number>();
  readonly #buckets = new Map<StepKind, Bucket>();
  /** Held cases, with how many holds each has. */
  readonly #holds = new Map<CaseRecord, number>();

  /** Groups `records` (scenario order) by the kind of their current step. */
  constructor(records: readonly CaseRecord[]) {
    this.#records = records;
    for (
      const kind of ["triage", "investigation", "review", "other"] as const
    ) {
      this.#buckets.set(kind, {
        positions: [],
        present: new Uint8Array(records.length),
      });
    }
    records.forEach((record, i) => {
      this.#position.set(record, i);
      const kind = this.#kindOf(record);
      if (kind === undefined) return;
      const bucket = this.#buckets.get(kind)!;
      bucket.positions.push(i);
      bucket.present[i] = 1;
    });
  }

  /** The group of `record`: none when finished or held. */
  #kindOf(record: CaseRecord): StepKind | undefined {
    return this.#holds.has(record) ? undefined : stepKindOf(record);
  }

  /** Keeps `record` out of every group until as many `unhold` calls. */
  hold(record: CaseRecord): void {
    this.#holds.set(record, (this.#holds.get(record) ?? 0) + 1);
  }

  /** Takes back one hold of `record`; with none left it is filed again. */
  unhold(record: CaseRecord): void {
    const holds = this.#holds.get(record);
    if (holds === undefined) return;
    if (holds > 1) {
      this.#holds.set(record, holds - 1);
      return;
    }
    this.#holds.delete(record);
    this.update(record);
  }

  /** Takes back every hold. */
  unholdAll(): void {
    const held = [...this.#holds.keys()];
    this.#holds.clear();
    for (const record of held) this.update(record);
  }

  /** Whether `record` is held. */
  isHeld(record: CaseRecord): boolean {
    return this.#holds.has(record);
  }

  /** Files `record` under the kind of its current step (call after it moved). */
  update(record: CaseRecord): void {
    const kind = this.#kindOf(record);
    if (kind === undefined) return;
    const i = this.#position.get(record);
    if (i === undefined) return;
    const bucket = this.#buckets.get(kind)!;
    if (bucket.present[i]) return;
    bucket.present[i] = 1;
    const positions = bucket.positions;
    let low = 0;
    for (let high = positions.length; low < high;) {
      const middle = (low + high) >>> 1;
      if (positions[middle] < i) low = middle + 1;
      else high = middle;
    }
    positions.splice(low, 0, i);
  }

  /** Files every record again (after changes not reported through update). */
  updateAll(): void {
    for (const record of this.#records) this.update(record);
  }

  /**
   * The unfinished cases at a step of one of `kinds`, in scenario order.
   * Do not call {@linkcode update} while iterating.
   */
  *cases(kinds: readonly StepKind[]): Generator<CaseRecord> {
    const lists = kinds.map((kind) => this.#live(kind));
    try {
      const heads = lists.map((list) => list.next());
      while (true) {
        let best = -1;
        for (let k = 0; k < heads.length; k++) {
          const head = heads[k];
          if (head.done) continue;
          if (best < 0 || head.value < (heads[best].value as number)) {
            best = k;
          }
        }
        if (best < 0) return;
        yield this.#records[heads[best].value as number];
        heads[best] = lists[best].next();
      }
    } finally {
      // Closes the scans a consumer stopped early, so they compact.
      for (const list of lists) list.return(undefined);
    }
  }

  /**
   * Live positions of `kind`, in order. Dead entries the scan passed are
   * dropped when they outnumber the live ones it yielded, so each dead entry
   * is skipped a bounded number of times.
   */
  *#live(kind: StepKind): Generator<number> {
    const bucket = this.#buckets.get(kind)!;
    const positions = bucket.positions;
    let dead = 0;
    let n = 0;
    try {
      for (; n < positions.length; n++) {
        const i = positions[n];
        if (this.#kindOf(this.#records[i]) === kind) yield i;
        else dead += 1;
      }
    } finally {
      if (dead > 16 && dead * 2 > n) {
        const end = Math.min(n + 1, positions.length);
        const kept = positions.slice(0, end).filter((i) => {
          const alive = this.#kindOf(this.#records[i]) === kind;
          if (!alive) bucket.present[i] = 0;
          return alive;
        });
        bucket.positions = kept.concat(positions.slice(end));
      }
    }
  }
}
