/**
 * Ground-truth knowledge read from a run directory, for a responder running in
 * another process than the runner.
 *
 * The runner writes `run.json` (scenario case id → store case id and
 * directory) when the run starts, and rewrites a case's `state.json` — which
 * carries the case's current `symptom_id` and `rca_id` store links — after
 * every step and whenever another case's step changes its links. A signal is
 * only written after the effects of every earlier step are on disk, so what a
 * responder reads is what the in-process stub would see. The runner rewrites
 * `state.json` in place (`rewriteInPlaceSync`), so
 * {@linkcode readCaseStateFile} reads a missing or unparseable one again
 * until it is whole.
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
import { delay, systemClock, type Timers } from "../util/clock.ts";
import { confinePathSync } from "../util/confine_path.ts";

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the run directory holding `path`: the nearest ancestor (or `path`
 * itself) that contains `run.json`, not above `root`. Synchronous: a `stat`
 * per level, far cheaper than awaited ones on the responder's answer path.
 */
export function findRunRootSync(
  path: string,
  root: string,
): string | undefined {
  let dir = path;
  while (true) {
    if (exists(join(dir, RUN_FILE))) return dir;
    const parent = dirname(dir);
    if (dir === root || parent === dir || !dir.startsWith(root)) {
      return undefined;
    }
    dir = parent;
  }
}

/**
 * {@linkcode findRunRootSync} as a promise.
 */
export function findRunRoot(
  path: string,
  root: string,
): Promise<string | undefined> {
  return Promise.resolve(findRunRootSync(path, root));
}

/**
 * How long {@linkcode readCaseStateFile} waits for a `state.json` missing from
 * an existing case directory, or not JSON, to be whole, in ms.
 */
export const STATE_RETRY_MS = 1000;

/** Options of {@linkcode readCaseStateFile}. */
export interface ReadCaseStateOptions {
  /**
   * Timers of the wait for a state being replaced.
   *
   * @default {systemClock}
   */
  readonly clock?: Timers;
  /**
   * How long to wait for a missing or unparseable `state.json` in an
   * existing directory, in ms.
   *
   * @default {STATE_RETRY_MS}
   */
  readonly retryMs?: number;
  /**
   * The run directory: a `state.json` whose path leaves it (a case
   * directory replaced by a symlink) is not read, and counts as none.
   */
  readonly confineTo?: string;
}

/**
 * Reads the `state.json` of the case directory `dir` as a JSON object
 * (synchronously: a few hundred bytes, read on every answer). The runner
 * rewrites the file in place, so while `dir` exists a missing file or one
 * that is not JSON (caught mid-rewrite) is read again, a millisecond later
 * each time, until it is whole or `retryMs` have passed.
 *
 * @example
 * ```ts
 * import { readCaseStateFile } from "./run_dir_knowledge.ts";
 *
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/state.json`, '{"rca_id": 2}');
 * const state = await readCaseStateFile(dir);
 * console.assert(state?.rca_id === 2);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 *
 * @returns the parsed object, or `undefined` when the directory is missing,
 * the file unreadable, still missing or not JSON after the wait, or JSON
 * but not an object.
 */
export async function readCaseStateFile(
  dir: string,
  options: ReadCaseStateOptions = {},
): Promise<Record<string, unknown> | undefined> {
  const clock = options.clock ?? systemClock;
  const path = join(dir, STATE_FILE);
  if (options.confineTo !== undefined) {
    try {
      confinePathSync(options.confineTo, path);
    } catch {
      // Outside the run (or unresolvable): no state is read from there.
      return undefined;
    }
  }
  const until = clock.monotonic() + (options.retryMs ?? STATE_RETRY_MS);
  while (true) {
    let text: string | undefined;
    try {
      text = Deno.readTextFileSync(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound) || !exists(dir)) {
        return undefined;
      }
    }
    if (text !== undefined) {
      try {
        const value = JSON.parse(text);
        return typeof value === "object" && value !== null &&
            !Array.isArray(value)
          ? value
          : undefined;
      } catch {
        // Caught mid-rewrite (it is rewritten in place): read it again.
      }
    }
    if (clock.monotonic() >= until) return undefined;
    await delay(1, { clock });
  }
}

/** Knowledge backed by a run's `run.json` and `state.json` files. */
export interface RunDirKnowledge extends GroundTruthKnowledge {
  /** The parsed `run.json`. */
  readonly run: RunFile;
  /**
   * The store case id and `state.json` object of a scenario case (state
   * `undefined` when not written yet, unreadable, or outside the run);
   * `undefined` for a case the run does not have.
   */
  caseState(scenarioCaseId: string): Promise<
    | {
      readonly storeCaseId: number;
      readonly state: Record<string, unknown> | undefined;
    }
    | undefined
  >;
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
  return knowledgeOf(await readRunFile(join(runRoot, RUN_FILE)), runRoot);
}

function knowledgeOf(run: RunFile, root: string): RunDirKnowledge {
  const byId = new Map(run.cases.map((c) => [c.case_id, c]));
  const caseState: RunDirKnowledge["caseState"] = async (scenarioCaseId) => {
    const entry = byId.get(scenarioCaseId);
    if (entry === undefined) return undefined;
    return {
      storeCaseId: entry.store_case_id,
      state: await readCaseStateFile(entry.dir, { confineTo: root }),
    };
  };
  return {
    run,
    caseState,
    async links(scenarioCaseId): Promise<CaseLinks | undefined> {
      const found = await caseState(scenarioCaseId);
      if (found === undefined) return undefined;
      // No state (or an unreadable one, or one outside the run): the case
      // has no links.
      return {
        storeCaseId: found.storeCaseId,
        symptomId: Number(found.state?.symptom_id) || 0,
        rcaId: Number(found.state?.rca_id) || 0,
      };
    },
  };
}

/**
 * {@linkcode runDirKnowledge} for a responder answering many signals: each
 * run's `run.json` is read and parsed once, and only again when the file
 * changed (another inode, size, modification or change time: a new run
 * replaces it with a rename). Checking costs one `stat` per answer.
 *
 * @example
 * ```ts ignore
 * import { RunDirKnowledgeCache } from "./run_dir_knowledge.ts";
 *
 * const cache = new RunDirKnowledgeCache();
 * const knowledge = await cache.get("/work/.asterisk/calibrate");
 * ```
 */
export class RunDirKnowledgeCache {
  readonly #entries = new Map<
    string,
    { readonly version: string; readonly knowledge: RunDirKnowledge }
  >();

  /**
   * The knowledge of the run in `runRoot`, read again when its `run.json`
   * changed since the last call.
   *
   * @throws {Error} when `run.json` is missing or malformed.
   */
  async get(runRoot: string): Promise<RunDirKnowledge> {
    const path = join(runRoot, RUN_FILE);
    let version: string;
    try {
      const info = Deno.statSync(path);
      version =
        `${info.ino} ${info.size} ${info.mtime?.getTime()} ${info.ctime?.getTime()}`;
    } catch {
      // Missing or unreadable: readRunFile reports it.
      this.#entries.delete(runRoot);
      return await runDirKnowledge(runRoot);
    }
    const cached = this.#entries.get(runRoot);
    if (cached?.version === version) return cached.knowledge;
    const knowledge = await runDirKnowledge(runRoot);
    this.#entries.set(runRoot, { version, knowledge });
    return knowledge;
  }
}
