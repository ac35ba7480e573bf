/**
 * The file protocol's two formats (reference §10.4): `signal.json`, which
 * tells the agent what to answer, and the artifact wrapper
 * `{ "dispatch_id": …, "data": … }` the agent writes back.
 *
 * Keys match the Go version. Unlike it, the status is one of `waiting`,
 * `processing`, `done` or `error` (never `complete`), the paths are absolute,
 * and every write is atomic (§12 items 25, 26).
 *
 * @module
 */
import { isAbsolute } from "node:path";
import { z } from "zod";
import { atomicWriteTextFileSync } from "../util/atomic_write.ts";
import { recyclingWriteSync } from "../util/recycling_write.ts";
import { describeIssue } from "../util/describe_issue.ts";
import { readJsonFile, readJsonFileSync } from "../util/read_json_file.ts";
import { settle } from "../util/settle.ts";

/** File name of the signal, in the directory of the artifact. */
export const SIGNAL_FILE = "signal.json";

/** Every status a signal can have, in lifecycle order. */
export const SIGNAL_STATUSES = [
  "waiting",
  "processing",
  "done",
  "error",
] as const;

/**
 * Status of a signal: `waiting` for the agent, then `done` or `error`.
 * `processing` (the dispatcher checking the artifact) is in the set for
 * agents and older runs; the dispatcher checks at once and does not write it.
 */
export type SignalStatus = typeof SIGNAL_STATUSES[number];

const absolutePath = z.string().refine(isAbsolute, {
  message: "must be an absolute path",
});

/** UTC RFC 3339 with whole seconds, as written by `formatTimestamp`. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Schema of `signal.json`. */
export const SignalSchema = z.object({
  status: z.enum(SIGNAL_STATUSES),
  dispatch_id: z.int().min(0, "must be a non-negative integer"),
  case_id: z.string(),
  step: z.string(),
  prompt_path: absolutePath,
  artifact_path: absolutePath,
  timestamp: z.string().regex(
    TIMESTAMP,
    "must be a UTC RFC 3339 timestamp with whole seconds",
  ),
  error: z.string().optional(),
});

/** Contents of `signal.json`. */
export type Signal = z.infer<typeof SignalSchema>;

/**
 * Reads the signal at `path`.
 *
 * @returns the signal, or `undefined` when the file is missing or is not a
 * valid signal.
 * @throws {Deno.errors.PermissionDenied} and other I/O errors except
 * `NotFound`.
 */
export function readSignal(path: string): Promise<Signal | undefined> {
  return readJsonFile(path, SignalSchema);
}

/**
 * {@linkcode readSignal}, synchronously (a signal is a few hundred bytes: a
 * synchronous read costs a fraction of an awaited one).
 *
 * @returns the signal, or `undefined` when the file is missing or is not a
 * valid signal.
 * @throws {Deno.errors.PermissionDenied} and other I/O errors except
 * `NotFound`.
 */
export function readSignalSync(path: string): Signal | undefined {
  return readJsonFileSync(path, SignalSchema);
}

/** Options of {@linkcode writeSignalSync}. */
export interface WriteSignalOptions {
  /**
   * Write through the directory's spare signal file instead of a new
   * temporary one ({@linkcode recyclingWriteSync}): for the dispatcher, which
   * rewrites each case's signal twice per step.
   *
   * @default {false}
   */
  readonly recycle?: boolean;
}

const encoder = new TextEncoder();

/**
 * Writes `signal` to `path` atomically (temporary file, then rename), keys in
 * protocol order, `error` omitted when empty. Synchronous: a signal is small,
 * and a synchronous write and rename cost a fraction of awaited ones.
 *
 * @throws {TypeError} when `signal` does not match {@linkcode SignalSchema},
 * e.g. a relative path.
 */
export function writeSignalSync(
  path: string,
  signal: Signal,
  options: WriteSignalOptions = {},
): void {
  const parsed = SignalSchema.safeParse(signal, { reportInput: true });
  if (!parsed.success) {
    const { path: field, problem } = describeIssue(parsed.error.issues[0]);
    throw new TypeError(
      `Cannot write signal '${path}': field '${field}' ${problem}`,
    );
  }
  const s = parsed.data;
  const text = `${
    JSON.stringify(
      {
        status: s.status,
        dispatch_id: s.dispatch_id,
        case_id: s.case_id,
        step: s.step,
        prompt_path: s.prompt_path,
        artifact_path: s.artifact_path,
        timestamp: s.timestamp,
        ...(s.error ? { error: s.error } : {}),
      },
      null,
      2,
    )
  }\n`;
  if (options.recycle) recyclingWriteSync(path, encoder.encode(text));
  else atomicWriteTextFileSync(path, text);
}

/**
 * {@linkcode writeSignalSync} as a promise: rejects instead of throwing.
 *
 * @throws {TypeError} when `signal` does not match {@linkcode SignalSchema},
 * e.g. a relative path.
 */
export function writeSignal(path: string, signal: Signal): Promise<void> {
  return settle(() => writeSignalSync(path, signal));
}

/** Schema of the artifact wrapper; `data` must be present and not `null`. */
export const ArtifactWrapperSchema = z.object({
  dispatch_id: z.int(),
  data: z.unknown().refine((value) => value !== undefined && value !== null),
});

/** The artifact wrapper: the dispatch it answers and the step payload. */
export interface ArtifactWrapper {
  /** The `dispatch_id` of the signal this artifact answers. */
  readonly dispatch_id: number;
  /** The step payload (never `null`). */
  readonly data: unknown;
}
