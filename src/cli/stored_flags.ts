/**
 * The flags a run keeps in its store, and `--resume` taking them back: a
 * flag left out takes the stored value; a flag given with another value is
 * a usage error naming both.
 *
 * @module
 */
import { join } from "node:path";
import {
  type CalibrateFlags,
  flagName,
  RESUMABLE_FLAGS,
} from "./calibrate_options.ts";
import { UsageError } from "./usage_error.ts";
import { SETTINGS_KEY } from "../runner/calibration_run.ts";
import { STORE_FILE } from "../runner/prepare_run_directory.ts";
import { readStoreSetting } from "../store/sqlite_store.ts";

/** The flags of `flags` a run keeps (for its store). */
export function storedFlags(flags: CalibrateFlags): Record<string, unknown> {
  const stored: Record<string, unknown> = {};
  for (const key of RESUMABLE_FLAGS) {
    if (flags[key] !== undefined) stored[key] = flags[key];
  }
  return stored;
}

function show(value: unknown): string {
  return value === undefined ? "(not set)" : `'${value}'`;
}

/**
 * Replaces the resumable flags of `flags` with those stored in the run at
 * `runDir`, keeping flags given on the command line when they agree.
 *
 * @throws {UsageError} when a given flag contradicts the stored value.
 */
export function applyStoredFlags(
  flags: CalibrateFlags,
  explicit: ReadonlySet<string>,
  runDir: string,
): void {
  const candidates = [
    join(runDir, STORE_FILE),
    join(runDir, "run-1", STORE_FILE),
  ];
  let stored: unknown;
  for (const path of candidates) {
    stored = readStoreSetting(path, SETTINGS_KEY);
    if (stored !== undefined) break;
  }
  // Without a stored run, preparing the run directory reports it.
  if (typeof stored !== "object" || stored === null) return;
  const values = stored as Record<string, unknown>;
  const mutable = flags as unknown as Record<string, unknown>;
  for (const key of RESUMABLE_FLAGS) {
    const before = values[key];
    if (explicit.has(key) && mutable[key] !== before) {
      throw new UsageError(
        `Cannot resume with ${flagName(key)}=${
          show(mutable[key])
        }: the run in '${runDir}' was started with ${flagName(key)}=${
          show(before)
        }; expected the same value or no ${flagName(key)}`,
      );
    }
    mutable[key] = before;
  }
}
