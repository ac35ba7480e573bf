/**
 * Prepares the run directory: checks it can be used, takes its lock, and
 * replaces a finished run, keeps one to resume, or refuses to delete an
 * unfinished one without `--clean`.
 *
 * @module
 */
import { join } from "node:path";
import { RunDirectoryError } from "./run_directory_error.ts";
import { RUN_FILE } from "./run_layout.ts";
import {
  acquireRunLock,
  LOCK_FILE,
  PID_FILE,
  type RunLock,
} from "./run_lock.ts";
import {
  checkWritable,
  isWriteProbe,
  writeProbePath,
} from "../util/check_writable.ts";
import { readStoreSetting } from "../store/sqlite_store.ts";

export { RunDirectoryError };

/** File name of a run's store inside its directory. */
export const STORE_FILE = "run.db";

/** Files of the lock, never removed by cleaning. */
const LOCK_FILES = new Set([LOCK_FILE, `${LOCK_FILE}-journal`, PID_FILE]);

async function entries(dir: string): Promise<string[] | undefined> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir), (entry) => entry.name))
      // Another process's write probe (a responder started at the same
      // time checks the directory too) is not content of the directory.
      .filter((name) => !LOCK_FILES.has(name) && !isWriteProbe(name));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Directories of the runs `dir` holds (itself, or its `run-N`). */
async function runDirs(
  dir: string,
  names: string[],
): Promise<string[] | undefined> {
  if (names.includes(RUN_FILE) || names.includes(STORE_FILE)) return [dir];
  // A multi-run directory holds run-1, run-2, … each with a run.json.
  const found: string[] = [];
  for (const name of names) {
    if (!/^run-\d+$/.test(name)) return undefined;
    const inner = await entries(join(dir, name));
    if (!inner?.includes(RUN_FILE) && !inner?.includes(STORE_FILE)) {
      return undefined;
    }
    found.push(join(dir, name));
  }
  return found.length > 0 ? found : undefined;
}

/** What an earlier run left: nothing, a finished run or an unfinished one. */
export type RunDirectoryState = "empty" | "finished" | "unfinished";

/** Returns whether the runs in `dirs` all finished. */
function stateOf(dirs: readonly string[]): RunDirectoryState {
  for (const dir of dirs) {
    const path = join(dir, STORE_FILE);
    // A run directory without a store predates durable runs: it cannot be
    // resumed, so it counts as finished (replaced as before).
    const status = readStoreSetting(path, "status");
    if (status !== undefined && status !== "finished") return "unfinished";
  }
  return "finished";
}

/** Options of {@linkcode prepareRunDirectory}. */
export interface PrepareRunDirectoryOptions {
  /** Continue the run in the directory instead of starting one. */
  readonly resume?: boolean;
  /**
   * `true` (an explicit `--clean`): replace any earlier run; `false`
   * (`--no-clean`): refuse any earlier run; `undefined`: replace a finished
   * run and refuse an unfinished one.
   */
  readonly clean?: boolean;
}

/** A run directory ready for a calibration. */
export interface PreparedRunDirectory {
  /** The directory's lock, held until released. */
  readonly lock: RunLock;
  /** What the directory held before. */
  readonly found: RunDirectoryState;
  /** Entries removed to make room (an explicit `--clean`). */
  readonly removed: readonly string[];
}

/**
 * Makes `dir` ready: checks it is a writable directory, takes its lock, and
 * then — for a new run — empties an earlier run, or — for `resume` — keeps
 * it. Files that no asterisk run wrote are never removed.
 *
 * @throws {RunDirectoryError} when the directory cannot be used (a file, not
 * writable, locked, foreign files, an unfinished run without `--clean`, or
 * nothing to resume).
 */
export async function prepareRunDirectory(
  dir: string,
  options: PrepareRunDirectoryOptions = {},
): Promise<PreparedRunDirectory> {
  let info;
  try {
    info = await Deno.stat(dir);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      throw new RunDirectoryError(
        `Cannot use run directory '${dir}': ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  if (info !== undefined && !info.isDirectory) {
    throw new RunDirectoryError(
      `Cannot use run directory '${dir}': it is a file; expected a directory`,
    );
  }
  if (info === undefined && options.resume) {
    throw new RunDirectoryError(
      `Cannot resume in run directory '${dir}': it does not exist; expected the directory of an earlier run`,
    );
  }
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (error) {
    throw new RunDirectoryError(
      `Cannot create run directory '${dir}': ${(error as Error).message}`,
      { cause: error },
    );
  }
  const unwritable = await checkWritable([writeProbePath(dir)]);
  if (unwritable.length > 0) {
    throw new RunDirectoryError(
      `Cannot use run directory '${dir}': ${
        unwritable[0].reason
      }; expected a directory asterisk may write`,
    );
  }
  const names = (await entries(dir)) ?? [];
  const runs = names.length === 0 ? [] : await runDirs(dir, names);
  if (runs === undefined) {
    throw new RunDirectoryError(
      `Cannot use run directory '${dir}': it is not empty and holds no ${RUN_FILE}; expected an empty directory or one an earlier run wrote`,
    );
  }
  const lock = acquireRunLock(dir);
  try {
    const found = runs.length === 0 ? "empty" : stateOf(runs);
    if (options.resume) {
      if (found === "empty") {
        throw new RunDirectoryError(
          `Cannot resume in run directory '${dir}': it holds no run; expected the directory of an earlier run (start one without --resume)`,
        );
      }
      return { lock, found, removed: [] };
    }
    if (found === "unfinished" && options.clean !== true) {
      throw new RunDirectoryError(
        `Cannot start a run in '${dir}': it holds an unfinished run; pass --resume to continue it, or --clean to delete it`,
      );
    }
    if (found === "finished" && options.clean === false) {
      throw new RunDirectoryError(
        `Cannot use run directory '${dir}': it holds an earlier run; pass --clean to replace it or choose another --run-dir`,
      );
    }
    for (const name of names) {
      await Deno.remove(join(dir, name), { recursive: true }).catch(
        (error) => {
          // Already gone (another process cleaned it): nothing to remove.
          if (!(error instanceof Deno.errors.NotFound)) throw error;
        },
      );
    }
    return { lock, found, removed: names };
  } catch (error) {
    lock.release();
    throw error;
  }
}
