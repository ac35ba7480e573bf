/**
 * `run.json`: what a run directory holds, for responders and people. Written
 * once when the run starts.
 *
 * @module
 */
import { z } from "zod";
import { atomicWriteJson } from "../util/atomic_write.ts";

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
export function writeRunFile(path: string, run: RunFile): Promise<void> {
  return atomicWriteJson(path, run);
}

/**
 * Reads and validates `run.json`.
 *
 * @throws {Error} naming the path when it is missing or malformed.
 */
export async function readRunFile(path: string): Promise<RunFile> {
  let value: unknown;
  try {
    value = JSON.parse(await Deno.readTextFile(path));
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
