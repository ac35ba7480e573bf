/**
 * `run.json`: what a run directory holds, for responders and people. Written
 * when the run starts (`status: "running"`) and rewritten when it ends, so an
 * agent watching the directory knows when to stop.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import { RUN_FILE } from "./run_layout.ts";
import { atomicWriteJson } from "../util/atomic_write.ts";
import { formatTimestamp } from "../util/clock.ts";
import { readOwnTextFileSync } from "../util/read_own_file.ts";
import { settle } from "../util/settle.ts";

/** Format version of `run.json` (its JSON Schema's `$id`). */
export const RUN_FILE_SCHEMA_VERSION = 1;

/**
 * Where the run is: `running` while calibrate works on it; when calibrate
 * ends, `finished` (every case done), `stopped` (Ctrl-C, end of input, the
 * responder or the environment gone: `--resume` continues it) or `failed`
 * (an error ended it).
 */
export const RunStatusSchema = z.enum([
  "running",
  "finished",
  "stopped",
  "failed",
]);

/** A run's status. */
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** Whether `status` says the run has ended (no signal will follow). */
export function isRunEnded(status: RunStatus): boolean {
  return status !== "running";
}

/** Schema of `run.json`. */
export const RunFileSchema = z.object({
  /** Scenario name. */
  scenario: z.string(),
  /** Store suite id of the run. */
  suite_id: z.number().int(),
  /** When the run started (UTC RFC 3339). */
  started_at: z.string(),
  /** Adapter name. */
  adapter: z.string().optional(),
  /** Transport name. */
  dispatch: z.string().optional(),
  /**
   * Where the run is; absent in files written before it existed, which
   * counts as `running`.
   */
  status: RunStatusSchema.default("running"),
  /** When the run ended (UTC RFC 3339); only once it has. */
  ended_at: z.string().optional(),
  /** Why it stopped or failed; only then. */
  end_reason: z.string().optional(),
  /** Every case: scenario id, store id, absolute directory. */
  cases: z.array(z.object({
    case_id: z.string(),
    store_case_id: z.number().int(),
    dir: z.string(),
  })),
});

/** Content of `run.json`. */
export type RunFile = z.infer<typeof RunFileSchema>;

/** Writes `run.json` atomically. */
export function writeRunFile(
  path: string,
  run: z.input<typeof RunFileSchema>,
): Promise<void> {
  return atomicWriteJson(path, run);
}

/** The JSON Schema of `run.json`, for `contracts/schemas/run.schema.json`. */
export function runFileJsonSchema(): Readonly<Record<string, unknown>> {
  const { $schema, ...rest } = z.toJSONSchema(RunFileSchema, { io: "input" });
  return {
    $schema,
    $id: `asterisk/run/v${RUN_FILE_SCHEMA_VERSION}`,
    title: "asterisk run description (run.json in a run directory)",
    "x-asterisk-format-version": RUN_FILE_SCHEMA_VERSION,
    ...rest,
  };
}

/** How a run's status changes: the status, and when and why it ended. */
export interface RunStatusChange {
  readonly status: RunStatus;
  /** When it ended (for an end status). */
  readonly at?: Date;
  /** Why it stopped or failed. */
  readonly reason?: string;
}

/**
 * Rewrites the status of the `run.json` at `path` atomically, keeping
 * everything else; `running` drops the end fields (a resumed run).
 *
 * @throws {Error} naming the path when it is missing or malformed.
 */
export async function setRunStatus(
  path: string,
  change: RunStatusChange,
): Promise<void> {
  await writeRunStatus(path, await readRunFile(path), change);
}

/** Writes `current` to `path` with the status `change` gives it. */
async function writeRunStatus(
  path: string,
  current: RunFile,
  change: RunStatusChange,
): Promise<void> {
  const { ended_at: _at, end_reason: _reason, ...run } = current;
  await writeRunFile(path, {
    ...run,
    status: change.status,
    ...(isRunEnded(change.status)
      ? {
        ended_at: formatTimestamp(change.at ?? new Date()),
        ...(change.reason === undefined ? {} : { end_reason: change.reason }),
      }
      : {}),
  });
}

/**
 * Reads and validates `run.json`, never through a symlink: the file is
 * agent-writable, and a `run.json` pointed at a file outside the run would
 * be read from there (and a JSON error quotes the text it met).
 *
 * @throws {Error} naming the path when it is missing, not a regular file of
 * its own, or malformed.
 */
export function readRunFile(path: string): Promise<RunFile> {
  return settle(() => readRunFileSync(path));
}

function readRunFileSync(path: string): RunFile {
  let value: unknown;
  try {
    const found = readOwnTextFileSync(path);
    if (found.kind === "missing") {
      throw new Deno.errors.NotFound("no such file");
    }
    if (found.kind === "other") {
      throw new Error(
        "not a regular file of its own (a symlink is never read through); expected the run.json asterisk writes",
      );
    }
    value = JSON.parse(found.text);
  } catch (error) {
    throw new Error(
      `Cannot read run file '${path}': ${(error as Error).message}`,
      { cause: error },
    );
  }
  const parsed = RunFileSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(
      `Cannot read run file '${path}': ${parsed.error.issues[0].message} at '${
        parsed.error.issues[0].path.join(".")
      }'`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

/**
 * The `run.json` files of a run directory: its own, or those of its `run-<n>/`
 * directories (`--runs=N`), sorted; none when it holds no run yet.
 */
export async function findRunFiles(runDir: string): Promise<string[]> {
  const own = join(runDir, RUN_FILE);
  if (await isFile(own)) return [own];
  const found: string[] = [];
  try {
    for await (const entry of Deno.readDir(runDir)) {
      if (!entry.isDirectory || !/^run-\d+$/.test(entry.name)) continue;
      const path = join(runDir, entry.name, RUN_FILE);
      if (await isFile(path)) found.push(path);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return found.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Sets the status of every run of `runDir` ({@linkcode findRunFiles}): an
 * end status only on runs still `running` (one that ended earlier keeps its
 * own), `running` on all (a resumed calibration).
 *
 * @returns The files rewritten.
 */
export async function setRunStatusUnder(
  runDir: string,
  change: RunStatusChange,
): Promise<string[]> {
  const changed: string[] = [];
  for (const path of await findRunFiles(runDir)) {
    // Read and validated once (a 10,000-case run.json is about 1 MB).
    const current = await readRunFile(path);
    if (isRunEnded(change.status) && isRunEnded(current.status)) continue;
    await writeRunStatus(path, current, change);
    changed.push(path);
  }
  return changed;
}
