/**
 * `--resume`: rebuilds a run from its store — the case records, their states
 * and accepted artifacts — so the runners continue where it stopped.
 *
 * @module
 */
import { join } from "node:path";
import {
  type CaseRecord,
  CASES_KEY,
  type PreparedRun,
  preparedRun,
  type PrepareRunOptions,
  syncLinks,
  writeCaseDirectory,
} from "./calibration_run.ts";
import { noteLateWrites } from "./late_writes.ts";
import { RunDirectoryError } from "./run_directory_error.ts";
import type { StepArtifact } from "../pipeline/artifact_schemas.ts";
import type { CaseState } from "../pipeline/case_state.ts";
import { isPipelineStep, stepFiles } from "../pipeline/step.ts";
import type { AnswerEntry } from "../report/answer_log.ts";
import type { DispatchRecord } from "../store/store.ts";
import { confinedWriteJson } from "../util/confined_write.ts";

function isCaseMap(value: unknown): value is [string, number][] {
  return Array.isArray(value) &&
    value.every((entry) =>
      Array.isArray(entry) && typeof entry[0] === "string" &&
      typeof entry[1] === "number"
    );
}

/**
 * How each case's answers were received, from the dispatch log: accepted
 * answers with their repairs and flags, rejected ones with the reason.
 */
function answersByCase(
  dispatches: readonly DispatchRecord[],
): Map<number, AnswerEntry[]> {
  const byCase = new Map<number, AnswerEntry[]>();
  for (const d of dispatches) {
    if (!isPipelineStep(d.step) || d.outcome === "failed") continue;
    const entry: AnswerEntry = d.outcome === "rejected"
      ? { step: d.step, repairs: [], flags: [], rejected: d.detail }
      : {
        step: d.step,
        repairs: d.repairs as AnswerEntry["repairs"],
        flags: d.flags as AnswerEntry["flags"],
      };
    const list = byCase.get(d.caseId) ?? [];
    list.push(entry);
    byCase.set(d.caseId, list);
  }
  return byCase;
}

/**
 * Restores the run held by `options.store`. For agents (`caseFiles`), the
 * case directories are brought in line with the store: `state.json` and
 * every accepted artifact are rewritten from it.
 *
 * @throws {RunDirectoryError} when the store holds no run of this scenario.
 */
export async function restoreRun(
  options: PrepareRunOptions,
): Promise<PreparedRun> {
  const { store, scenario, layout } = options;
  const caseMap = await store.getSetting(CASES_KEY);
  if (!isCaseMap(caseMap)) {
    throw new RunDirectoryError(
      `Cannot resume the run in '${layout.root}': its store holds no case map; expected a run started by asterisk calibrate`,
    );
  }
  const storeIds = new Map(caseMap);
  const states = new Map(
    (await store.listCaseStates()).map((r) => [r.caseId, r.state as CaseState]),
  );
  const artifacts = new Map<number, StepArtifact[]>();
  const attempts: [number, string, number, unknown][] = [];
  const all = await store.listArtifacts();
  for (const record of all) {
    if (!isPipelineStep(record.step)) continue;
    const list = artifacts.get(record.caseId) ?? [];
    list.push({ step: record.step, data: record.normalised } as StepArtifact);
    artifacts.set(record.caseId, list);
    attempts.push([
      record.caseId,
      record.step,
      record.attempt,
      record.normalised,
    ]);
  }
  const answers = answersByCase(await store.listDispatches());
  const records: CaseRecord[] = [];
  for (const gt of scenario.cases) {
    const storeCaseId = storeIds.get(gt.id);
    const state = storeCaseId === undefined
      ? undefined
      : states.get(storeCaseId);
    if (storeCaseId === undefined || state === undefined) {
      throw new RunDirectoryError(
        `Cannot resume the run in '${layout.root}': scenario case '${gt.id}' is not part of it; expected the scenario the run started with`,
      );
    }
    records.push({
      gt,
      storeCaseId,
      dir: layout.caseDir(state.suite_id, storeCaseId),
      state,
      artifacts: artifacts.get(storeCaseId) ?? [],
      answers: answers.get(storeCaseId) ?? [],
    });
  }
  if (records.length !== storeIds.size) {
    throw new RunDirectoryError(
      `Cannot resume the run in '${layout.root}': it has ${storeIds.size} cases and the scenario ${records.length}; expected the scenario the run started with`,
    );
  }
  const suiteId = records[0]?.state.suite_id ?? 0;
  const run = preparedRun(options, suiteId, records, {
    restored: all.length,
    answered: 0,
  });
  if (run.caseFiles) {
    // Before the accepted copies are written back: a late write is noted.
    await noteLateWrites(run);
    const dirs = new Map<number, string>();
    for (const record of records) {
      if (await writeCaseDirectory(store, layout.root, record)) {
        dirs.set(record.storeCaseId, record.dir);
      }
    }
    for (const [caseId, step, attempt, data] of attempts) {
      const dir = dirs.get(caseId);
      if (!isPipelineStep(step) || dir === undefined) continue;
      await confinedWriteJson(
        layout.root,
        join(dir, stepFiles(step, attempt).artifact),
        data,
      );
    }
    await syncLinks(run);
  }
  return run;
}
