/**
 * Per-case pipeline state (reference §1.4), persisted as `state.json` in the
 * case directory after every step.
 *
 * Keys are the Go version's, plus `scenario_case_id` and the case's current
 * store links (`symptom_id`, `rca_id`), which lets a responder in another
 * process resolve store ids from disk.
 *
 * @module
 */
import { join } from "node:path";
import type { LoopCounts, RouteDecision } from "./heuristics.ts";
import { isPipelineStep, type Step, STEP_INFO } from "./step.ts";
import type { ShortStepName } from "../scenario/scenario_schema.ts";
import { atomicWriteJson } from "../util/atomic_write.ts";
import { confinedWriteJson } from "../util/confined_write.ts";

/** Status of a case's pipeline. */
export type CaseStatusValue = "running" | "paused" | "done" | "error";

/** One transition of a case's pipeline. */
export interface HistoryEntry {
  /** The step being left. */
  readonly step: Step;
  /** The step entered. */
  readonly next: Step;
  /** The rule's explanation. */
  readonly outcome: string;
  /** Rule id (`H1` …), `FALLBACK` or `INIT`. */
  readonly heuristic_id: string;
  /** Time of the transition (UTC RFC 3339). */
  readonly timestamp: string;
  /** Facts the rule derived, when it derived any. */
  readonly context?: Readonly<Record<string, unknown>>;
}

/** The content of `state.json`. */
export interface CaseState {
  /** Store case id. */
  readonly case_id: number;
  /** Store suite id. */
  readonly suite_id: number;
  /** Scenario case id, e.g. `C1`. */
  readonly scenario_case_id: string;
  readonly current_step: Step;
  readonly loop_counts: Readonly<Partial<LoopCounts>>;
  readonly status: CaseStatusValue;
  /** Store symptom id the case is linked to, 0 when none. */
  readonly symptom_id: number;
  /** Store RCA id the case is linked to, 0 when none. */
  readonly rca_id: number;
  /** Why the pipeline stopped, when `status` is `error`. */
  readonly error?: string;
  readonly history: readonly HistoryEntry[];
}

/** Identity of a new case state. */
export interface NewCaseState {
  readonly caseId: number;
  readonly suiteId: number;
  readonly scenarioCaseId: string;
}

/**
 * The loop counts of a state that has not looped (most), shared: a fresh
 * object per state was 0.6 MB of a 10,000-case run's heap.
 */
const NO_LOOPS: Readonly<Partial<LoopCounts>> = Object.freeze({});

/** File name of a case's state inside its directory. */
export const STATE_FILE = "state.json";

/** Creates a state that has entered F0 (history: `INIT` → `F0_RECALL`). */
export function createCaseState(
  init: NewCaseState,
  timestamp: string,
): CaseState {
  return {
    case_id: init.caseId,
    suite_id: init.suiteId,
    scenario_case_id: init.scenarioCaseId,
    current_step: "F0_RECALL",
    loop_counts: NO_LOOPS,
    status: "running",
    symptom_id: 0,
    rca_id: 0,
    history: [{
      step: "INIT",
      next: "F0_RECALL",
      outcome: "start pipeline",
      heuristic_id: "INIT",
      timestamp,
    }],
  };
}

/** The loop counters of a state, with zeros for missing keys. */
export function loopCountsOf(state: CaseState): LoopCounts {
  return {
    investigate: state.loop_counts.investigate ?? 0,
    reassess: state.loop_counts.reassess ?? 0,
  };
}

/** Returns the state after leaving the current step as `decision` says. */
export function advanceCaseState(
  state: CaseState,
  update: {
    readonly decision: RouteDecision;
    readonly loops: LoopCounts;
    readonly timestamp: string;
  },
): CaseState {
  const { decision, loops, timestamp } = update;
  const loopCounts: Readonly<Partial<LoopCounts>> =
    loops.investigate === 0 && loops.reassess === 0 ? NO_LOOPS : {
      ...(loops.investigate > 0 ? { investigate: loops.investigate } : {}),
      ...(loops.reassess > 0 ? { reassess: loops.reassess } : {}),
    };
  return {
    ...state,
    current_step: decision.next,
    loop_counts: loopCounts,
    status: decision.next === "DONE" ? "done" : state.status,
    // concat sizes the copy exactly; a spread over-allocates it (1.4 MB of
    // a 10,000-case run's heap).
    history: state.history.concat([{
      step: state.current_step,
      next: decision.next,
      outcome: decision.explanation,
      heuristic_id: decision.ruleId,
      timestamp,
      ...(decision.context ? { context: decision.context } : {}),
    }]),
  };
}

/** Returns the state with the case's store links refreshed. */
export function withLinks(
  state: CaseState,
  links: { readonly symptomId: number; readonly rcaId: number },
): CaseState {
  return { ...state, symptom_id: links.symptomId, rca_id: links.rcaId };
}

/** Returns the state marked as failed with `message`. */
export function withError(state: CaseState, message: string): CaseState {
  return { ...state, status: "error", error: message };
}

/** Short names of the steps the case has executed, in order. */
export function pathOf(state: CaseState): ShortStepName[] {
  const path: ShortStepName[] = [];
  for (const entry of state.history) {
    if (isPipelineStep(entry.step)) path.push(STEP_INFO[entry.step].short);
  }
  return path;
}

/** The number of pipeline steps `state` has taken (the length of its path). */
export function stepCount(state: CaseState): number {
  let count = 0;
  for (const entry of state.history) if (isPipelineStep(entry.step)) count++;
  return count;
}

/** Options of {@linkcode writeCaseState}. */
export interface WriteCaseStateOptions {
  /**
   * The run directory `state.json` must stay in, symlinks followed.
   *
   * @default {undefined} (not checked)
   */
  readonly confineTo?: string;
}

/**
 * Writes `state` to `{caseDir}/state.json` atomically, removing the old file
 * just before the rename (cheaper than renaming over it; readers read a
 * missing `state.json` again, see `readCaseStateFile`).
 *
 * @throws {PathConfinementError} when `options.confineTo` is given and the
 * file would land outside it (nothing written).
 */
export function writeCaseState(
  caseDir: string,
  state: CaseState,
  options: WriteCaseStateOptions = {},
): Promise<void> {
  const path = join(caseDir, STATE_FILE);
  return options.confineTo === undefined
    ? atomicWriteJson(path, state, { removeFirst: true })
    : confinedWriteJson(options.confineTo, path, state);
}
