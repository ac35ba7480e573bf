/**
 * One calibration run: a fresh store, the case records and their files, and
 * the step loop that both the serial and the parallel runner drive.
 *
 * @module
 */
import { join } from "node:path";
import { scaffoldStore } from "./scaffold_store.ts";
import { writeRunFile } from "./run_file.ts";
import type { RunLayout } from "./run_layout.ts";
import type { RunObserver } from "./run_event.ts";
import type { GroundTruthKnowledge } from "../adapter/ground_truth.ts";
import type { ModelAdapter, StepAnswer } from "../adapter/model_adapter.ts";
import type { StepArtifact } from "../pipeline/artifact_schemas.ts";
import {
  type CaseState,
  createCaseState,
  pathOf,
  withError,
  withLinks,
  writeCaseState,
} from "../pipeline/case_state.ts";
import { executeStep } from "../pipeline/execute_step.ts";
import {
  type AnswerFlag,
  flagAnswer,
  type FlagContext,
} from "../pipeline/flag_answer.ts";
import type { AnswerRepair } from "../pipeline/read_answer.ts";
import type { AnswerEntry } from "../report/answer_log.ts";
import {
  isPipelineStep,
  type PipelineStep,
  stepFiles,
} from "../pipeline/step.ts";
import type { Thresholds } from "../pipeline/thresholds.ts";
import type { GroundTruthCase, Scenario } from "../scenario/scenario_schema.ts";
import type { DispatchOutcome, Store } from "../store/store.ts";
import { confinedMkdir, confinedWriteJson } from "../util/confined_write.ts";
import { PathConfinementError } from "../util/confine_path.ts";
import { type Clock, formatTimestamp } from "../util/clock.ts";

/** Steps a case may take before it is stopped with an error. */
export const MAX_STEPS_PER_CASE = 20;

/** The live record of one case in a run. */
export interface CaseRecord {
  /** The scenario case. */
  readonly gt: GroundTruthCase;
  /** Store case id. */
  readonly storeCaseId: number;
  /** The case directory. */
  readonly dir: string;
  /** Current state (mirrors `state.json`). */
  state: CaseState;
  /** Validated artifacts in execution order. */
  readonly artifacts: StepArtifact[];
  /** How each answer was received (repairs, flags, rejections), in order. */
  readonly answers: AnswerEntry[];
  /** Other notes for the report (late writes to accepted artifacts). */
  notes?: string[];
}

/** Steps of a run: taken from an earlier invocation, and answered in this one. */
export interface StepCounts {
  restored: number;
  answered: number;
}

/** Everything a runner needs. */
export interface CalibrationRun {
  readonly scenario: Scenario;
  readonly store: Store;
  readonly layout: RunLayout;
  readonly suiteId: number;
  readonly thresholds: Thresholds;
  readonly clock: Clock;
  readonly adapter: ModelAdapter;
  /** Case records in scenario order. */
  readonly records: readonly CaseRecord[];
  readonly observe: RunObserver;
  readonly signal?: AbortSignal;
  /**
   * Whether agents read the case directories: then each case's `state.json`
   * and normalised artifacts are written there after every step. The store
   * holds everything either way.
   */
  readonly caseFiles: boolean;
  /** Step counts, updated as steps are accepted. */
  readonly steps: StepCounts;
  /** Transport name for the dispatch log (`in-process`, `file`, …). */
  readonly transport: string;
}

/** When a step was offered to the adapter and when its answer came back. */
export interface DispatchTiming {
  readonly offeredAt: Date;
  readonly settledAt: Date;
}

/** Options of {@linkcode prepareRun}. */
export interface PrepareRunOptions {
  readonly scenario: Scenario;
  readonly store: Store;
  readonly layout: RunLayout;
  readonly thresholds: Thresholds;
  readonly clock: Clock;
  /** Adapter and transport names for `run.json`. */
  readonly describe?: { readonly adapter?: string; readonly dispatch?: string };
  readonly observe?: RunObserver;
  readonly signal?: AbortSignal;
  /**
   * Write case directories and `state.json` for agents.
   *
   * @default {true}
   */
  readonly caseFiles?: boolean;
  /** Run settings saved in the store (what `--resume` takes back). */
  readonly settings?: unknown;
}

/** Store setting holding the run's settings. */
export const SETTINGS_KEY = "settings";
/** Store setting holding the case map (scenario id → store case id). */
export const CASES_KEY = "cases";
/** Store setting holding the run's status: `running` or `finished`. */
export const STATUS_KEY = "status";

/** A run before its adapter is attached. */
export type PreparedRun = Omit<CalibrationRun, "adapter"> & {
  /** The run's current store links, for ground-truth answers. */
  readonly knowledge: GroundTruthKnowledge;
};

/**
 * Scaffolds the store, creates every case directory with its initial
 * `state.json`, and writes `run.json` (the case map a responder reads).
 */
export async function prepareRun(
  options: PrepareRunOptions,
): Promise<PreparedRun> {
  const { scenario, store, layout, clock } = options;
  const caseFiles = options.caseFiles ?? true;
  const started = formatTimestamp(clock.now());
  const records: CaseRecord[] = [];
  const suiteId = await store.transaction(async () => {
    const { suiteId, storeCaseIds } = await scaffoldStore(store, scenario);
    for (const gt of scenario.cases) {
      const storeCaseId = storeCaseIds.get(gt.id)!;
      const dir = layout.caseDir(suiteId, storeCaseId);
      const state = createCaseState(
        { caseId: storeCaseId, suiteId, scenarioCaseId: gt.id },
        started,
      );
      await store.saveCaseState(storeCaseId, state);
      records.push({
        gt,
        storeCaseId,
        dir,
        state,
        artifacts: [],
        answers: [],
      });
    }
    await store.setSetting(SETTINGS_KEY, options.settings ?? {});
    await store.setSetting(
      CASES_KEY,
      records.map((r) => [r.gt.id, r.storeCaseId]),
    );
    await store.setSetting(STATUS_KEY, "running");
    return suiteId;
  });
  await store.flush();
  if (caseFiles) {
    for (const record of records) {
      await writeCaseDirectory(store, layout.root, record);
    }
  }
  await writeRunFile(layout.runFile, {
    scenario: scenario.name,
    suite_id: suiteId,
    started_at: started,
    ...options.describe,
    status: "running",
    cases: records.map((r) => ({
      case_id: r.gt.id,
      store_case_id: r.storeCaseId,
      dir: r.dir,
    })),
  });
  return preparedRun(options, suiteId, records, { restored: 0, answered: 0 });
}

/**
 * Creates `record`'s directory with its `state.json`. A directory leading
 * outside the run (a symlink an agent left) fails that case in the store,
 * nothing written there; the run goes on.
 *
 * @returns false when the case was failed.
 */
export async function writeCaseDirectory(
  store: Store,
  root: string,
  record: CaseRecord,
): Promise<boolean> {
  try {
    await confinedMkdir(root, record.dir);
    await writeCaseState(record.dir, record.state, { confineTo: root });
    return true;
  } catch (error) {
    if (!(error instanceof PathConfinementError)) throw error;
    const state = withError(
      record.state,
      `${record.state.current_step}: ${error.message}`,
    );
    await store.transaction(() =>
      store.saveCaseState(record.storeCaseId, state)
    );
    record.state = state;
    return false;
  }
}

/** Assembles a prepared run from its case records. */
export function preparedRun(
  options: PrepareRunOptions,
  suiteId: number,
  records: CaseRecord[],
  steps: StepCounts,
): PreparedRun {
  const { store } = options;
  const byId = new Map(records.map((r) => [r.gt.id, r]));
  const knowledge: GroundTruthKnowledge = {
    async links(scenarioCaseId) {
      const record = byId.get(scenarioCaseId);
      if (record === undefined) return undefined;
      const current = await store.getCase(record.storeCaseId);
      return {
        storeCaseId: record.storeCaseId,
        symptomId: current?.symptomId ?? 0,
        rcaId: current?.rcaId ?? 0,
      };
    },
  };
  return {
    scenario: options.scenario,
    store,
    layout: options.layout,
    suiteId,
    thresholds: options.thresholds,
    clock: options.clock,
    knowledge,
    records,
    observe: options.observe ?? (() => {}),
    signal: options.signal,
    caseFiles: options.caseFiles ?? true,
    steps,
    transport: options.describe?.dispatch ?? "in-process",
  };
}

/** Returns true when the case needs no further step. */
export function isFinished(record: CaseRecord): boolean {
  return record.state.current_step === "DONE" ||
    record.state.status === "error";
}

const recordsByStoreId = new WeakMap<
  readonly CaseRecord[],
  ReadonlyMap<number, CaseRecord>
>();

/** The records of `run` whose store case ids are `storeCaseIds`. */
function recordsOf(
  run: Omit<CalibrationRun, "adapter">,
  storeCaseIds: Iterable<number>,
): CaseRecord[] {
  let byId = recordsByStoreId.get(run.records);
  if (byId === undefined) {
    byId = new Map(run.records.map((r) => [r.storeCaseId, r]));
    recordsByStoreId.set(run.records, byId);
  }
  const found: CaseRecord[] = [];
  for (const id of storeCaseIds) {
    const record = byId.get(id);
    if (record !== undefined) found.push(record);
  }
  return found;
}

/**
 * Brings the `state.json` of cases in line with their store links (effects
 * of one case can link others, e.g. when a pending reference resolves):
 * those of `storeCaseIds` (what a step's effects touched), or every case.
 */
export async function syncLinks(
  run: Omit<CalibrationRun, "adapter">,
  storeCaseIds?: Iterable<number>,
): Promise<void> {
  if (!run.caseFiles) return;
  const records = storeCaseIds === undefined
    ? run.records
    : recordsOf(run, storeCaseIds);
  for (const record of records) {
    const current = await run.store.getCase(record.storeCaseId);
    if (current === undefined) continue;
    if (
      current.symptomId === record.state.symptom_id &&
      current.rcaId === record.state.rca_id
    ) continue;
    record.state = withLinks(record.state, current);
    try {
      await writeCaseState(record.dir, record.state, {
        confineTo: run.layout.root,
      });
    } catch (error) {
      // Another case's directory leads outside the run: that case fails at
      // its own next write; the store holds its links either way.
      if (!(error instanceof PathConfinementError)) throw error;
    }
  }
}

let lastMs = Number.NaN;
let lastIso = "";

/**
 * `date.toISOString()`, formatted once per millisecond: in-process, many
 * dispatches are offered and settled within one.
 */
function isoTimestamp(date: Date): string {
  const ms = date.getTime();
  if (ms !== lastMs) {
    lastIso = date.toISOString();
    lastMs = ms;
  }
  return lastIso;
}

/** Writes the dispatch-log entry of `record`'s current step. */
async function logDispatch(
  run: Omit<CalibrationRun, "adapter">,
  record: CaseRecord,
  timing: DispatchTiming,
  outcome: DispatchOutcome,
  answer: Pick<AnswerEntry, "repairs" | "flags"> & { detail?: string } = {
    repairs: [],
    flags: [],
  },
): Promise<void> {
  const step = record.state.current_step;
  await run.store.logDispatch({
    caseId: record.storeCaseId,
    step,
    attempt: record.artifacts.filter((a) => a.step === step).length,
    transport: run.transport,
    // Milliseconds matter here: a step answered in-process takes less than
    // a second.
    offeredAt: isoTimestamp(timing.offeredAt),
    settledAt: isoTimestamp(timing.settledAt),
    outcome,
    detail: answer.detail ?? "",
    repairs: answer.repairs,
    flags: answer.flags,
  });
}

/** Options of {@linkcode failCase}. */
export interface FailCaseOptions {
  /** The dispatch that failed, logged in the same unit as the case's state. */
  readonly dispatch?: DispatchTiming;
  /** Its outcome. @default {"failed"} */
  readonly outcome?: "rejected" | "failed";
}

/**
 * Records that `record` failed at its current step and persists it, with
 * the dispatch that failed it (when one did) in the same unit of work.
 */
export async function failCase(
  run: CalibrationRun,
  record: CaseRecord,
  error: unknown,
  options: FailCaseOptions = {},
): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  const state = withError(
    record.state,
    `${record.state.current_step}: ${message}`,
  );
  await run.store.transaction(async () => {
    if (options.dispatch !== undefined) {
      await logDispatch(
        run,
        record,
        options.dispatch,
        options.outcome ?? "failed",
        { repairs: [], flags: [], detail: message },
      );
    }
    await run.store.saveCaseState(record.storeCaseId, state);
  });
  record.state = state;
  if (!run.caseFiles) return;
  try {
    await writeCaseState(record.dir, record.state, {
      confineTo: run.layout.root,
    });
  } catch (error) {
    // The case directory leads outside the run (often why the case failed):
    // nothing is written there; the store holds the failed state.
    if (!(error instanceof PathConfinementError)) throw error;
  }
}

/**
 * Logs a dispatch of `record` that failed because the environment did (the
 * case keeps its step and is offered again on `--resume`).
 */
export async function logFailedDispatch(
  run: CalibrationRun,
  record: CaseRecord,
  timing: DispatchTiming,
  error: unknown,
): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await run.store.transaction(() =>
    logDispatch(run, record, timing, "failed", {
      repairs: [],
      flags: [],
      detail: message,
    })
  );
}

/** The empty list every answer without repairs or flags (most) shares. */
const NONE: readonly never[] = Object.freeze([]);

/** The entry of each step's answers taken as written, shared. */
const AS_WRITTEN = new Map<PipelineStep, AnswerEntry>();

/**
 * The entry of an answer to `step` with `repairs` and `flags`. A case record
 * keeps its answers' entries for the report; an answer taken as written
 * (most) shares its step's frozen entry, and lists that are empty share
 * {@linkcode NONE}: an entry and two empty arrays per step were 5 MB of a
 * 10,000-case run's heap.
 */
function answerEntry(
  step: PipelineStep,
  repairs: readonly AnswerRepair[] | undefined,
  flags: readonly AnswerFlag[],
): AnswerEntry {
  const none = (repairs === undefined || repairs.length === 0) &&
    flags.length === 0;
  if (!none) {
    return {
      step,
      repairs: repairs?.length ? repairs : NONE,
      flags: flags.length > 0 ? flags : NONE,
    };
  }
  let entry = AS_WRITTEN.get(step);
  if (entry === undefined) {
    entry = Object.freeze({ step, repairs: NONE, flags: NONE });
    AS_WRITTEN.set(step, entry);
  }
  return entry;
}

/**
 * Applies `answer` to the current step of `record`. Validation, routing, the
 * store effects, the accepted artifact (raw and normalised), the dispatch-log
 * entry and the new case state commit as one unit of work; then, for agents,
 * the normalised artifact and `state.json` are written into the case
 * directory.
 *
 * @returns the store case ids whose links the step's effects changed.
 * @throws {ArtifactError} when the answer is invalid (the case is unchanged).
 * @throws {StoreIoError} when the store cannot persist the step.
 */
export async function applyAnswer(
  run: CalibrationRun,
  record: CaseRecord,
  answer: StepAnswer,
  timing: DispatchTiming,
): Promise<readonly number[]> {
  const step = record.state.current_step;
  if (!isPipelineStep(step)) return [];
  const attempt = record.artifacts.filter((a) => a.step === step).length;
  const { outcome, state, entry } = await run.store.transaction(async () => {
    const outcome = await executeStep(run, record.state, answer);
    // How the answer was received is part of the step: a resumed run's
    // report counts the same repairs and flags as an uninterrupted one.
    const entry = answerEntry(
      step,
      answer.repairs,
      await flagAnswer(outcome.artifact, flagContextOf(run)),
    );
    await logDispatch(
      run,
      record,
      timing,
      answer.recovered ? "recovered" : "answered",
      entry,
    );
    const current = await run.store.getCase(record.storeCaseId);
    const state = current ? withLinks(outcome.state, current) : outcome.state;
    await run.store.addArtifact({
      caseId: record.storeCaseId,
      step,
      attempt,
      raw: JSON.stringify(answer.data) ?? "null",
      normalised: outcome.artifact.data,
    });
    await run.store.saveCaseState(record.storeCaseId, state);
    return { outcome, state, entry };
  });
  run.steps.answered += 1;
  record.artifacts.push(outcome.artifact);
  record.answers.push(entry);
  record.state = state;
  if (run.caseFiles) {
    await confinedWriteJson(
      run.layout.root,
      join(record.dir, stepFiles(step, attempt).artifact),
      outcome.artifact.data,
    );
    await writeCaseState(record.dir, record.state, {
      confineTo: run.layout.root,
    });
    await syncLinks(run, outcome.touched);
  }
  for (const message of outcome.notes) {
    run.observe({ type: "note", caseId: record.gt.id, message });
  }
  run.observe({
    type: "step-done",
    caseId: record.gt.id,
    step,
    ruleId: outcome.decision.ruleId,
    next: outcome.decision.next,
  });
  return outcome.touched;
}

const flagContexts = new WeakMap<CalibrationRun, FlagContext>();

/** What answers of `run` are checked against (built once per run). */
function flagContextOf(run: CalibrationRun): FlagContext {
  let context = flagContexts.get(run);
  if (context === undefined) {
    const { scenario } = run;
    context = {
      store: run.store,
      repos: scenario.workspace.repos.map((r) => r.name),
      caseIds: new Set(run.records.map((r) => r.storeCaseId)),
      extras: {
        categories: scenario.cases.flatMap((c) =>
          c.expected_triage ? [c.expected_triage.symptom_category] : []
        ),
        defectTypes: scenario.rcas.map((r) => r.defect_type),
      },
    };
    flagContexts.set(run, context);
  }
  return context;
}

/** Reports that `record` finished, as the `completed`-th case of the run. */
export function observeCaseDone(
  run: CalibrationRun,
  record: CaseRecord,
  completed: number,
): void {
  run.observe({
    type: "case-done",
    caseId: record.gt.id,
    path: pathOf(record.state),
    completed,
    total: run.records.length,
    error: record.state.error,
  });
}
