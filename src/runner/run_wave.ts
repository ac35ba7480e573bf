/**
 * One wave: the next step of several cases, asked together and applied in
 * input order. The serial runner runs waves of one case; the parallel
 * runner's sliding window dispatches steps with {@linkcode dispatchStep} and
 * {@linkcode offerSteps} and applies them with {@linkcode applySettled}.
 *
 * Answers come from the adapter's `answerBatch` when it has one (a batch
 * transport: one manifest and briefing per wave), else from `answer` per case
 * through a pooled map bounded by `concurrency`. Effects are applied in input
 * order after every answer is in, so store ids do not depend on timing.
 *
 * @module
 */
import pMap from "p-map";
import {
  applyAnswer,
  type CalibrationRun,
  type CaseRecord,
  type DispatchTiming,
  failCase,
  isFinished,
  logFailedDispatch,
  MAX_STEPS_PER_CASE,
} from "./calibration_run.ts";
import { isEnvironmentFailure } from "./environment_failure.ts";
import type { StepAnswer, StepRequest } from "../adapter/model_adapter.ts";
import { stepCount } from "../pipeline/case_state.ts";
import { isPipelineStep } from "../pipeline/step.ts";
import { StoreIoError } from "../store/store.ts";
import { ArtifactError } from "../pipeline/artifact_error.ts";
import type { BatchPhase } from "../transport/batch_dispatcher.ts";
import { DispatchError } from "../transport/dispatch_error.ts";

/** Options of {@linkcode runWave}. */
export interface WaveOptions {
  /** The run phase the wave belongs to. */
  readonly phase: BatchPhase;
  /**
   * Builds the wave's briefing, for batch transports, given the cases the
   * wave dispatches.
   */
  readonly briefing: (inFlight: readonly CaseRecord[]) => Promise<string>;
  /**
   * Requests in flight at once when the adapter has no batch support.
   *
   * @default {1}
   */
  readonly concurrency?: number;
}

function requestFor(run: CalibrationRun, record: CaseRecord): StepRequest {
  const step = record.state.current_step;
  if (!isPipelineStep(step)) {
    throw new RangeError(`Case ${record.gt.id} has no step to run (${step})`);
  }
  return {
    caseId: record.gt.id,
    storeCaseId: record.storeCaseId,
    step,
    caseDir: record.dir,
    signal: run.signal,
  };
}

/** Whether `error` rejects the answer itself (not a timeout or an abort). */
function isRejectedAnswer(error: unknown): boolean {
  return error instanceof ArtifactError ||
    (error instanceof DispatchError &&
      (error.reason === "invalid-json" || error.reason === "invalid-artifact"));
}

async function settle<T>(
  promise: Promise<T>,
): Promise<PromiseSettledResult<T>> {
  try {
    return { status: "fulfilled", value: await promise };
  } catch (reason) {
    return { status: "rejected", reason };
  }
}

/**
 * Logs a dispatch the environment failed; the run stops with `error` either
 * way, so a store that cannot log it is not reported over it.
 */
async function logStopped(
  run: CalibrationRun,
  record: CaseRecord,
  timing: DispatchTiming,
  error: unknown,
): Promise<void> {
  try {
    await logFailedDispatch(run, record, timing, error);
  } catch {
    // The store failed too; the environment failure that stops the run is
    // what the user is told about.
  }
}

/**
 * Admits `record` to a dispatch: false when it is finished, or past the step
 * limit (then it is failed here).
 */
export async function admitStep(
  run: CalibrationRun,
  record: CaseRecord,
): Promise<boolean> {
  if (isFinished(record)) return false;
  if (stepCount(record.state) < MAX_STEPS_PER_CASE) return true;
  await failCase(
    run,
    record,
    new Error(
      `Case ${record.gt.id} exceeded ${MAX_STEPS_PER_CASE} steps; expected the pipeline to reach DONE`,
    ),
  );
  return false;
}

/** One step offered to the adapter and how it ended. */
export interface SettledStep {
  readonly record: CaseRecord;
  readonly request: StepRequest;
  readonly result: PromiseSettledResult<StepAnswer>;
  readonly timing: DispatchTiming;
}

/** Observes the dispatch of `request` (a step-dispatched event). */
function observeDispatched(run: CalibrationRun, request: StepRequest): void {
  run.observe({
    type: "step-dispatched",
    caseId: request.caseId,
    step: request.step,
  });
}

/** Observes the answer of `request` (a step-answered event). */
function observeAnswered(
  run: CalibrationRun,
  request: StepRequest,
  result: PromiseSettledResult<unknown>,
): void {
  run.observe({
    type: "step-answered",
    caseId: request.caseId,
    step: request.step,
    ok: result.status === "fulfilled",
  });
}

/**
 * Offers the current step of `record` (admitted by {@linkcode admitStep}) to
 * the adapter's `answer` on its own; resolves when the answer is in, never
 * rejects (the result says how it ended). Nothing is applied.
 */
export async function dispatchStep(
  run: CalibrationRun,
  record: CaseRecord,
): Promise<SettledStep> {
  const request = requestFor(run, record);
  const offeredAt = run.clock.now();
  observeDispatched(run, request);
  const result = await settle(run.adapter.answer(request));
  const timing = { offeredAt, settledAt: run.clock.now() };
  observeAnswered(run, request, result);
  return { record, request, result, timing };
}

/** Options of {@linkcode offerSteps}. */
export interface OfferStepsOptions {
  /** The run phase of the steps. */
  readonly phase: BatchPhase;
  /** Builds the briefing of a new batch, given the cases it opens with. */
  readonly briefing: (inFlight: readonly CaseRecord[]) => Promise<string>;
}

/**
 * Offers the current steps of `records` (each admitted by
 * {@linkcode admitStep}) to the adapter's `offerSteps` together (a batch
 * transport: they join the batch in flight or open the next one); one
 * promise per record that resolves when its answer is in and never rejects.
 * Nothing is applied.
 */
export function offerSteps(
  run: CalibrationRun,
  records: readonly CaseRecord[],
  options: OfferStepsOptions,
): Promise<SettledStep>[] {
  const requests = records.map((record) => requestFor(run, record));
  const offeredAt = run.clock.now();
  for (const request of requests) observeDispatched(run, request);
  const answers = run.adapter.offerSteps!(requests, {
    phase: options.phase,
    briefing: () => options.briefing(records),
  });
  return records.map(async (record, i) => {
    const result = await settle(answers[i]);
    const timing = { offeredAt, settledAt: run.clock.now() };
    observeAnswered(run, requests[i], result);
    return { record, request: requests[i], result, timing };
  });
}

/**
 * Applies settled steps in the order given: each accepted answer commits its
 * step, a rejected or failed one fails its case. An environment failure
 * (disk, directories, store) blames no case: the other answers are accepted
 * (none after a store failure), then it is thrown.
 *
 * @returns the store case ids whose links the applied steps changed.
 */
export async function applySettled(
  run: CalibrationRun,
  settled: readonly SettledStep[],
): Promise<number[]> {
  let stop: unknown;
  const touched: number[] = [];
  for (const { record, request, result, timing } of settled) {
    try {
      if (result.status === "rejected") throw result.reason;
      touched.push(...await applyAnswer(run, record, result.value, timing));
    } catch (error) {
      // The environment failed (disk, directories, store): the case is not
      // to blame. Accept the other answers, then stop the run.
      if (isEnvironmentFailure(error)) {
        stop ??= error;
        if (error instanceof StoreIoError) break;
        await logStopped(run, record, timing, error);
        continue;
      }
      const rejected = isRejectedAnswer(error);
      if (rejected) {
        record.answers.push({
          step: request.step,
          repairs: [],
          flags: [],
          rejected: (error as Error).message,
        });
      }
      await failCase(run, record, error, {
        dispatch: timing,
        outcome: rejected ? "rejected" : "failed",
      });
    }
  }
  if (stop !== undefined) throw stop;
  return touched;
}

/**
 * Runs the current step of each of `records`. Finished cases are skipped; a
 * case past the step limit, or whose answer fails, is marked failed; an abort
 * propagates.
 *
 * @returns the store case ids whose links the applied steps changed.
 */
export async function runWave(
  run: CalibrationRun,
  records: readonly CaseRecord[],
  options: WaveOptions,
): Promise<number[]> {
  const active: CaseRecord[] = [];
  for (const record of records) {
    if (await admitStep(run, record)) active.push(record);
  }
  if (active.length === 0) return [];
  run.signal?.throwIfAborted();
  const adapter = run.adapter;
  let settled: SettledStep[];
  if (adapter.answerBatch) {
    const requests = active.map((record) => requestFor(run, record));
    const offeredAt = run.clock.now();
    for (const request of requests) observeDispatched(run, request);
    const results = await adapter.answerBatch(requests, {
      phase: options.phase,
      briefing: () => options.briefing(active),
    });
    // A batch's answers come back together.
    const timing = { offeredAt, settledAt: run.clock.now() };
    settled = active.map((record, i) => {
      observeAnswered(run, requests[i], results[i]);
      return { record, request: requests[i], result: results[i], timing };
    });
  } else {
    settled = active.length === 1
      ? [await dispatchStep(run, active[0])]
      : await pMap(active, (record) => dispatchStep(run, record), {
        concurrency: options.concurrency ?? 1,
      });
  }
  if (run.signal?.aborted) throw run.signal.reason;
  return await applySettled(run, settled);
}
