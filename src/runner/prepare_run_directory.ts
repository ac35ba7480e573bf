/**
 * Prepares the run directory: cleans a previous run, or refuses to mix runs.
 *
 * @module
 */
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { RUN_FILE } from "./run_layout.ts";

/** The run directory cannot be used. */
export class RunDirectoryError extends Error {
  /** Creates a run-directory error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RunDirectoryError";
  }
}

async function entries(dir: string): Promise<string[] | undefined> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Returns true when `dir` holds what an earlier asterisk run left. */
async function looksLikeRunDirectory(
  dir: string,
  names: string[],
): Promise<boolean> {
  if (names.includes(RUN_FILE)) return true;
  // A multi-run directory holds run-1, run-2, … each with a run.json.
  for (const name of names) {
    if (!/^run-\d+$/.test(name)) return false;
    const inner = await entries(join(dir, name));
    if (!inner?.includes(RUN_FILE)) return false;
  }
  return names.length > 0;
}

/**
 * Makes `dir` ready for a new run. An existing asterisk run directory is
 * emptied when `clean` is true; any other non-empty directory is refused, so
 * `--clean` can never delete files that a run did not write.
 *
 * @throws {RunDirectoryError} when the directory cannot be used.
 */
export async function prepareRunDirectory(
  dir: string,
  options: { readonly clean: boolean },
): Promise<void> {
  const names = await entries(dir);
  if (names === undefined || names.length === 0) {
    await mkdir(dir, { recursive: true });
    return;
  }
  if (!(await stat(dir)).isDirectory()) {
    throw new RunDirectoryError(
      `Cannot use run directory '${dir}': it is a file; expected a directory`,
    );
  }
  if (!(await looksLikeRunDirectory(dir, names))) {
    throw new RunDirectoryError(
      `Cannot use run directory '${dir}': it is not empty and holds no ${RUN_FILE}; expected an empty directory or one an earlier run wrote`,
    );
  }
  if (!options.clean) {
    throw new RunDirectoryError(
      `Cannot use run directory '${dir}': it holds an earlier run; pass --clean to replace it or choose another --run-dir`,
    );
  }
  for (const name of names) {
    await rm(join(dir, name), { recursive: true, force: true });
  }
}
