/**
 * Writes asterisk makes on an agent's behalf (prompts, `state.json`,
 * normalised artifacts): the path is confined to the run directory first, so
 * a case directory an agent replaced with a symlink is never written through.
 * An existing file is removed just before the rename (`removeFirst`, see
 * `atomic_write.ts`): renaming over it costs a forced block allocation on
 * ext4, and no reader needs these files to exist at every moment — a prompt
 * is read only once its signal is written, `state.json` readers read a
 * missing one again (`readCaseStateFile`), and an accepted artifact is read
 * from `run.db`.
 *
 * @module
 */
import { atomicWriteTextFile } from "./atomic_write.ts";
import { confinePath } from "./confine_path.ts";

/**
 * Writes `text` to `path` atomically after checking, with
 * {@linkcode confinePath}, that it stays inside `root`; an existing file at
 * `path` is removed just before the rename.
 *
 * @example
 * ```ts
 * await confinedWriteTextFile("/run", "/run/1/2/prompt-recall.md", prompt);
 * ```
 *
 * @throws {PathConfinementError} when `path` leaves `root` (nothing written).
 */
export async function confinedWriteTextFile(
  root: string,
  path: string,
  text: string,
): Promise<void> {
  await atomicWriteTextFile(await confinePath(root, path), text, {
    removeFirst: true,
  });
}

/**
 * Writes `value` as pretty-printed JSON (2 spaces, trailing newline) like
 * {@linkcode confinedWriteTextFile}.
 *
 * @throws {PathConfinementError} when `path` leaves `root` (nothing written).
 */
export function confinedWriteJson(
  root: string,
  path: string,
  value: unknown,
): Promise<void> {
  return confinedWriteTextFile(
    root,
    path,
    `${JSON.stringify(value, null, 2)}\n`,
  );
}

/**
 * Creates the directory `dir` (and its parents) after checking it stays
 * inside `root`; an existing symlink there is refused, not followed.
 *
 * @throws {PathConfinementError} when `dir` leaves `root`.
 */
export async function confinedMkdir(root: string, dir: string): Promise<void> {
  // Deno.mkdir, not node:fs: loading node:fs/promises costs a process that
  // needs nothing else from it (the responder child) some 25 ms at start-up.
  await Deno.mkdir(await confinePath(root, dir), { recursive: true });
}
