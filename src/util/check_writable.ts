/**
 * Checks, before any work, that output files can be written: the report,
 * the JUnit/Markdown/HTML files, a probe file in the run directory.
 *
 * @module
 */
import { join } from "node:path";

/** Prefix of the probe files {@linkcode writeProbePath} names. */
const PROBE_PREFIX = ".asterisk-write-check-";

/**
 * A probe file to create in `dir` to check that it may be written (removed
 * straight after; see {@linkcode checkWritable}). Each call names another
 * file, so two checks of one directory never share a probe, even in one
 * process (a responder and a calibrate run side by side).
 */
export function writeProbePath(dir: string): string {
  const unique = crypto.randomUUID().slice(0, 8);
  return join(dir, `${PROBE_PREFIX}${Deno.pid}-${unique}`);
}

/**
 * Whether a directory entry named `name` is a probe file: another process
 * (a responder starting beside calibrate) checking the same directory at
 * this moment, not content of the directory.
 *
 * @example Usage
 * ```ts
 * import { isWriteProbe, writeProbePath } from "./check_writable.ts";
 * import { basename } from "node:path";
 * import assert from "node:assert/strict";
 *
 * assert.ok(isWriteProbe(basename(writeProbePath("/runs/1"))));
 * assert.ok(!isWriteProbe("run.json"));
 * ```
 */
export function isWriteProbe(name: string): boolean {
  return name.startsWith(PROBE_PREFIX);
}

/** A path that cannot be written, and why. */
export interface UnwritablePath {
  /** The path as given. */
  readonly path: string;
  /** Why, e.g. `its directory does not exist`. */
  readonly reason: string;
}

function reasonOf(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) {
    return "its directory does not exist";
  }
  if (error instanceof Deno.errors.NotCapable) {
    return "it is outside the paths asterisk may write (--allow-write)";
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return "permission denied";
  }
  return error instanceof Error ? error.message : String(error);
}

async function checkOne(path: string): Promise<string | undefined> {
  let existed = true;
  try {
    const info = await Deno.stat(path);
    if (info.isDirectory) return "it is a directory";
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) return reasonOf(error);
    existed = false;
  }
  try {
    const file = await Deno.open(path, { write: true, create: true });
    file.close();
  } catch (error) {
    return reasonOf(error);
  }
  if (!existed) {
    try {
      await Deno.remove(path);
    } catch (error) {
      return reasonOf(error);
    }
  }
  return undefined;
}

/**
 * Returns the paths of `paths` that cannot be written, each with the reason
 * (empty when all can). A path that exists is opened for writing without
 * being changed; one that does not is created and removed again.
 *
 * @example Usage
 * ```ts
 * import { checkWritable } from "./check_writable.ts";
 * import assert from "node:assert/strict";
 *
 * const problems = await checkWritable(["/no/such/dir/report.json"]);
 * assert.equal(problems[0].reason, "its directory does not exist");
 * ```
 */
export async function checkWritable(
  paths: readonly string[],
): Promise<UnwritablePath[]> {
  const problems: UnwritablePath[] = [];
  for (const path of paths) {
    const reason = await checkOne(path);
    if (reason !== undefined) problems.push({ path, reason });
  }
  return problems;
}
