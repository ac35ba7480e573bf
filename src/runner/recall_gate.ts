/**
 * Recall-aware scheduling: before any agent step, each case's error
 * signature is compared with those of the earlier cases (scenario order; see
 * {@linkcode SignatureIndex}). A case whose failure looks like an earlier
 * case's — or that shares its ground-truth RCA — runs its F0 only once every
 * such earlier case has finished, so its recall sees their RCAs, reviews and
 * reports exactly as in the serial run. Unrelated cases are never held back.
 * The ground truth only orders steps here; no agent sees it. The parallel
 * scheduler asks {@linkcode RecallGate.blocker} for each case it considers.
 *
 * @module
 */
import { type CaseRecord, isFinished } from "./calibration_run.ts";
import { failureOf, SignatureIndex } from "../adapter/basic/basic_request.ts";

/** Which earlier cases each case's F0 waits for. */
export class RecallGate {
  readonly #index: SignatureIndex;
  readonly #byId: ReadonlyMap<string, CaseRecord>;
  /**
   * Per case: index of the last of its earlier similar cases not known
   * finished (those after it are).
   */
  readonly #scanned = new Map<string, number>();
  /**
   * Per case: the cases of its ground-truth RCA (scenario order, shared by
   * them) and how many of them come before it.
   */
  readonly #sameRca = new Map<string, { cases: string[]; before: number }>();
  readonly #scannedRca = new Map<string, number>();

  /** Computes the waits of `records` (scenario order) from their failures. */
  constructor(records: readonly CaseRecord[]) {
    this.#index = new SignatureIndex(records.map((r) => failureOf(r.gt)));
    this.#byId = new Map(records.map((r) => [r.gt.id, r]));
    const byRca = new Map<string, string[]>();
    for (const record of records) {
      const rca = record.gt.rca_id;
      if (!rca) continue;
      let cases = byRca.get(rca);
      if (cases === undefined) byRca.set(rca, cases = []);
      // Only a recall hit reads the earlier cases' RCA (as the serial run
      // would have left it); any case may be read.
      if (record.gt.expected_recall?.match) {
        this.#sameRca.set(record.gt.id, { cases, before: cases.length });
      }
      cases.push(record.gt.id);
    }
  }

  /** The unfinished earlier cases `record`'s F0 still waits for. */
  waitsFor(record: CaseRecord): string[] {
    if (record.state.current_step !== "F0_RECALL") return [];
    const sameRca = this.#sameRca.get(record.gt.id);
    const earlier = new Set([
      ...sameRca?.cases.slice(0, sameRca.before) ?? [],
      ...this.#index.earlierSimilar(record.gt.id),
    ]);
    return [...earlier].filter((id) => {
      const peer = this.#byId.get(id);
      return peer !== undefined && !isFinished(peer);
    });
  }

  /**
   * The nearest earlier case of the same ground-truth RCA, else the nearest
   * earlier similar case, that `record`'s F0 still waits for, or
   * `undefined` when it may run its next step now. A finished case stays
   * finished, so each case's scan resumes where the last one stopped, going
   * back from the nearest earlier case (amortised O(1) per call, where a full
   * scan per call made the parallel runner quadratic). Waiting for the
   * nearest one first means a chain of similar cases wakes one case per
   * finished case.
   */
  blocker(record: CaseRecord): string | undefined {
    if (record.state.current_step !== "F0_RECALL") return undefined;
    const sameRca = this.#sameRca.get(record.gt.id);
    return this.#nearest(
      record,
      sameRca?.cases ?? [],
      sameRca?.before ?? 0,
      this.#scannedRca,
    ) ??
      this.#nearest(
        record,
        this.#index.earlierSimilar(record.gt.id),
        Infinity,
        this.#scanned,
      );
  }

  /** The last unfinished of the first `count` of `earlier`. */
  #nearest(
    record: CaseRecord,
    earlier: readonly string[],
    count: number,
    scanned: Map<string, number>,
  ): string | undefined {
    let next = scanned.get(record.gt.id) ??
      Math.min(count, earlier.length) - 1;
    while (next >= 0) {
      const peer = this.#byId.get(earlier[next]);
      if (peer !== undefined && !isFinished(peer)) break;
      next -= 1;
    }
    scanned.set(record.gt.id, next);
    return next >= 0 ? earlier[next] : undefined;
  }

  /** Whether `record` may run its next step now. */
  mayRun(record: CaseRecord): boolean {
    return this.blocker(record) === undefined;
  }
}
