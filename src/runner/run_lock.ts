/**
 * One live calibrate per run directory. The lock is a write transaction held
 * on `calibrate.lock` (a SQLite file) for the whole calibration, so the
 * operating system releases it when the holder ends in any way, `kill -9`
 * included; the holder's pid is published in `calibrate.pid` beside it.
 *
 * @module
 */
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { RunDirectoryError } from "./run_directory_error.ts";

/** File whose write lock is the run-directory lock. */
export const LOCK_FILE = "calibrate.lock";
/** File naming the pid of the lock's holder. */
export const PID_FILE = "calibrate.pid";

/** The run directory is locked by another live calibrate. */
export class RunLockedError extends RunDirectoryError {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RunLockedError";
  }
}

/** A held lock. */
export interface RunLock {
  /** Pid of an earlier holder that was gone, when the lock was taken over. */
  readonly tookOverFrom?: number;
  /** Releases the lock (idempotent). */
  release(): void;
}

function readPid(path: string): number | undefined {
  try {
    const pid = Number.parseInt(Deno.readTextFileSync(path), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    // No pid file (or unreadable): the holder is unknown.
    return undefined;
  }
}

/**
 * Takes the lock of `dir` (which must exist).
 *
 * @throws {RunLockedError} when another calibrate holds it.
 */
export function acquireRunLock(dir: string): RunLock {
  const lockPath = join(dir, LOCK_FILE);
  const pidPath = join(dir, PID_FILE);
  const db = new DatabaseSync(lockPath);
  try {
    db.exec("PRAGMA busy_timeout = 0");
    db.exec("BEGIN IMMEDIATE");
  } catch (error) {
    db.close();
    const pid = readPid(pidPath);
    throw new RunLockedError(
      `Cannot use run directory '${dir}': another calibrate (pid ${
        pid ?? "unknown"
      }) is running in it; wait for it to end or choose another --run-dir`,
      { cause: error },
    );
  }
  const previous = readPid(pidPath);
  Deno.writeTextFileSync(pidPath, `${Deno.pid}\n`);
  let released = false;
  return {
    ...(previous !== undefined && previous !== Deno.pid
      ? { tookOverFrom: previous }
      : {}),
    release() {
      if (released) return;
      released = true;
      try {
        Deno.removeSync(pidPath);
      } catch {
        // The directory may be gone (removed mid-run); nothing to release.
      }
      try {
        db.exec("ROLLBACK");
        db.close();
      } catch {
        // Closing releases the lock whatever the transaction's state.
      }
    },
  };
}
