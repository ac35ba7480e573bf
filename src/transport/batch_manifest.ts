/**
 * The batch manifest, `batch-manifest.json` in the suite directory: what a
 * batch dispatcher tells the agents about the batch in flight (reference
 * §10.6), kept live — every slot's progress is written as it happens.
 *
 * Unlike the Go version (reference §12 items 2–5), the manifest is written
 * through one serialized writer per batch, shows `claimed`, `done` and
 * `error` per signal while the batch runs, records each slot's dispatch id
 * and error, and counts the finished slots.
 *
 * @module
 */
import { isAbsolute } from "node:path";
import { z } from "zod";
import { atomicWriteJson } from "../util/atomic_write.ts";
import { describeIssue } from "../util/describe_issue.ts";
import { readJsonFile } from "../util/read_json_file.ts";

/** File name of the live manifest, in the suite directory. */
export const MANIFEST_FILE = "batch-manifest.json";

/** File name of the live briefing, in the suite directory. */
export const BRIEFING_FILE = "briefing.md";

/** Every status a batch can have, in lifecycle order. */
export const BATCH_STATUSES = [
  "pending",
  "in_progress",
  "done",
  "error",
] as const;

/**
 * Status of a batch: `pending` until a slot is claimed or finishes, then
 * `in_progress`; once every slot finished, `done` when at least one succeeded
 * and `error` when all failed.
 */
export type BatchStatus = typeof BATCH_STATUSES[number];

/** Every status a signal of a batch can have, in lifecycle order. */
export const BATCH_SIGNAL_STATUSES = [
  "pending",
  "claimed",
  "done",
  "error",
] as const;

/**
 * Status of one signal (slot) of a batch: `pending` until an agent claims it,
 * `claimed`, then `done` (artifact accepted) or `error` (the slot failed).
 */
export type BatchSignalStatus = typeof BATCH_SIGNAL_STATUSES[number];

/** Every phase a batch can belong to. */
export const BATCH_PHASES = ["triage", "investigation", "single"] as const;

const absolutePath = z.string().refine(isAbsolute, {
  message: "must be an absolute path",
});

const timestamp = z.string().regex(
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/,
  "must be a UTC RFC 3339 timestamp with whole seconds",
);

const count = z.int().min(0, "must be a non-negative integer");

/** Schema of one entry of the manifest's `signals`. */
export const BatchSignalSchema = z.object({
  case_id: z.string(),
  step: z.string(),
  signal_path: absolutePath,
  artifact_path: absolutePath,
  /** 0 until the slot's signal is written. */
  dispatch_id: count,
  status: z.enum(BATCH_SIGNAL_STATUSES),
  claimed_by: z.string().optional(),
  error: z.string().optional(),
});

/** One entry of the manifest's `signals`. */
export type BatchSignal = z.infer<typeof BatchSignalSchema>;

/** Schema of `batch-manifest.json`. */
export const BatchManifestSchema = z.object({
  batch_id: z.int().min(1, "must be a positive integer"),
  status: z.enum(BATCH_STATUSES),
  phase: z.enum(BATCH_PHASES),
  created_at: timestamp,
  updated_at: timestamp,
  total: count,
  completed: count,
  briefing_path: z.union([absolutePath, z.literal("")]),
  signals: z.array(BatchSignalSchema),
}).superRefine((manifest, ctx) => {
  if (manifest.total !== manifest.signals.length) {
    ctx.addIssue({
      code: "custom",
      path: ["total"],
      message: `must equal the number of signals (${manifest.signals.length})`,
      input: manifest.total,
    });
  }
  if (manifest.completed > manifest.total) {
    ctx.addIssue({
      code: "custom",
      path: ["completed"],
      message: `must be at most 'total' (${manifest.total})`,
      input: manifest.completed,
    });
  }
});

/** Contents of `batch-manifest.json`. */
export type BatchManifest = z.infer<typeof BatchManifestSchema>;

/** Returns true when a signal of a batch has finished (`done` or `error`). */
export function isFinishedSignal(signal: Pick<BatchSignal, "status">): boolean {
  return signal.status === "done" || signal.status === "error";
}

/**
 * The batch status that `signals` imply: `done` or `error` once all have
 * finished (`done` when at least one is `done`), else `in_progress` once any
 * is claimed or finished, else `pending`.
 */
export function batchStatusOf(
  signals: readonly Pick<BatchSignal, "status">[],
): BatchStatus {
  if (signals.length > 0 && signals.every(isFinishedSignal)) {
    return signals.some((signal) => signal.status === "done")
      ? "done"
      : "error";
  }
  return signals.some((signal) => signal.status !== "pending")
    ? "in_progress"
    : "pending";
}

/**
 * Reads the manifest at `path`; for agents and tests.
 *
 * @returns the manifest, or `undefined` when the file is missing, is not
 * JSON, or is not a valid manifest.
 * @throws {Deno.errors.PermissionDenied} and other I/O errors except
 * `NotFound`.
 */
export function readManifest(
  path: string,
): Promise<BatchManifest | undefined> {
  return readJsonFile(path, BatchManifestSchema);
}

/**
 * Checks `manifest` and returns a copy with its keys in protocol order
 * (`claimed_by` and `error` omitted when absent).
 *
 * @throws {TypeError} when `manifest` does not match
 * {@linkcode BatchManifestSchema}, naming the field.
 */
export function normalizeManifest(
  manifest: BatchManifest,
  path = MANIFEST_FILE,
): BatchManifest {
  const parsed = BatchManifestSchema.safeParse(manifest, { reportInput: true });
  if (!parsed.success) {
    const { path: field, problem } = describeIssue(parsed.error.issues[0]);
    throw new TypeError(
      `Cannot write batch manifest '${path}': field '${field}' ${problem}`,
    );
  }
  const m = parsed.data;
  return {
    batch_id: m.batch_id,
    status: m.status,
    phase: m.phase,
    created_at: m.created_at,
    updated_at: m.updated_at,
    total: m.total,
    completed: m.completed,
    briefing_path: m.briefing_path,
    signals: m.signals.map((s) => ({
      case_id: s.case_id,
      step: s.step,
      signal_path: s.signal_path,
      artifact_path: s.artifact_path,
      dispatch_id: s.dispatch_id,
      status: s.status,
      ...(s.claimed_by !== undefined ? { claimed_by: s.claimed_by } : {}),
      ...(s.error !== undefined ? { error: s.error } : {}),
    })),
  };
}

/**
 * Writes `manifest` to `path` atomically (temporary file, then rename) as
 * pretty-printed JSON, keys in protocol order.
 *
 * @throws {TypeError} when `manifest` does not match
 * {@linkcode BatchManifestSchema}.
 */
export async function writeManifest(
  path: string,
  manifest: BatchManifest,
): Promise<void> {
  await atomicWriteJson(path, normalizeManifest(manifest, path));
}
