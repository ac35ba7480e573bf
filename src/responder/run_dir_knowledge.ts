/**
 * Ground-truth knowledge read from a run directory, for a responder running in
 * another process than the runner.
 *
 * The runner writes `run.json` (scenario case id → store case id and
 * directory) when the run starts, and rewrites a case's `state.json` — which
 * carries the case's current `symptom_id` and `rca_id` store links — after
 * every step and whenever another case's step changes its links. A signal is
 * only written after the effects of every earlier step are on disk, so what a
 * responder reads is what the in-process stub would see.
 *
 * @module
 */
import { dirname, join } from "node:path";
import type {
  CaseLinks,
  GroundTruthKnowledge,
} from "../adapter/ground_truth.ts";
import { STATE_FILE } from "../pipeline/case_state.ts";
import { readRunFile, type RunFile } from "../runner/run_file.ts";
import { RUN_FILE } from "../runner/run_layout.ts";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the run directory holding `path`: the nearest ancestor (or `path`
 * itself) that contains `run.json`, not above `root`.
 */
export async function findRunRoot(
  path: string,
  root: string,
): Promise<string | undefined> {
  let dir = path;
  while (true) {
    if (await exists(join(dir, RUN_FILE))) return dir;
    const parent = dirname(dir);
    if (dir === root || parent === dir || !dir.startsWith(root)) {
      return undefined;
    }
    dir = parent;
  }
}

/** Knowledge backed by a run's `run.json` and `state.json` files. */
export interface RunDirKnowledge extends GroundTruthKnowledge {
  /** The parsed `run.json`. */
  readonly run: RunFile;
}

/**
 * Reads `run.json` in `runRoot` and returns knowledge that reads each case's
 * links from its `state.json` on demand.
 *
 * @throws {Error} when `run.json` is missing or malformed.
 */
export async function runDirKnowledge(
  runRoot: string,
): Promise<RunDirKnowledge> {
  const run = await readRunFile(join(runRoot, RUN_FILE));
  const byId = new Map(run.cases.map((c) => [c.case_id, c]));
  return {
    run,
    async links(scenarioCaseId): Promise<CaseLinks | undefined> {
      const entry = byId.get(scenarioCaseId);
      if (entry === undefined) return undefined;
      try {
        const state = JSON.parse(
          await Deno.readTextFile(join(entry.dir, STATE_FILE)),
        );
        return {
          storeCaseId: entry.store_case_id,
          symptomId: Number(state.symptom_id) || 0,
          rcaId: Number(state.rca_id) || 0,
        };
      } catch {
        return { storeCaseId: entry.store_case_id, symptomId: 0, rcaId: 0 };
      }
    },
  };
}
