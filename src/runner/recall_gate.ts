/**
 * Recall-aware scheduling: before any agent step, each case's error
 * signature is compared with those of the earlier cases (scenario order; see
 * {@linkcode SignatureIndex}). A case whose failure looks like an earlier
 * case's runs its F0 only once every such earlier case has finished, so its
 * recall sees their RCAs exactly as in the serial run. Unrelated cases are
 * never held back. The parallel scheduler asks {@linkcode RecallGate.mayRun}
 * for each case it considers.
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

  /** Computes the waits of `records` (scenario order) from their failures. */
  constructor(records: readonly CaseRecord[]) {
    this.#index = new SignatureIndex(records.map((r) => failureOf(r.gt)));
    this.#byId = new Map(records.map((r) => [r.gt.id, r]));
  }

  /** The unfinished earlier cases `record`'s F0 still waits for. */
  waitsFor(record: CaseRecord): string[] {
    if (record.state.current_step !== "F0_RECALL") return [];
    return this.#index.earlierSimilar(record.gt.id).filter((id) => {
      const earlier = this.#byId.get(id);
      return earlier !== undefined && !isFinished(earlier);
    });
  }

  /**
   * The nearest earlier similar case `record`'s F0 still waits for, or
   * `undefined` when it may run its next step now. A finished case stays
   * finished, so each case's scan resumes where the last one stopped, going
   * back from the nearest earlier case (amortised O(1) per call, where a full
   * scan per call made the parallel runner quadratic). Waiting for the
   * nearest one first means a chain of similar cases wakes one case per
   * finished case.
   */
  blocker(record: CaseRecord): string | undefined {
    if (record.state.current_step !== "F0_RECALL") return undefined;
    const earlier = this.#index.earlierSimilar(record.gt.id);
    let next = this.#scanned.get(record.gt.id) ?? earlier.length - 1;
    while (next >= 0) {
      const peer = this.#byId.get(earlier[next]);
      if (peer !== undefined && !isFinished(peer)) break;
      next -= 1;
    }
    this.#scanned.set(record.gt.id, next);
    return next >= 0 ? earlier[next] : undefined;
  }

  /** Whether `record` may run its next step now. */
  mayRun(record: CaseRecord): boolean {
    return this.blocker(record) === undefined;
  }
}
