/**
 * Writes asterisk makes on an agent's behalf (prompts, `state.json`,
 * normalised artifacts): the path is confined to the run directory first, so
 * a case directory an agent replaced with a symlink is never written through.
 * A file already there is rewritten in place (`rewriteInPlaceSync`: no inode
 * allocated or freed, which is what a write costs most on our file system);
 * a new one is written atomically. No reader needs these files whole at
 * every moment: a prompt is read only once its signal is written,
 * `state.json` readers read a missing or unparseable one again
 * (`readCaseStateFile`), and an accepted artifact is read from `run.db`.
 *
 * @module
 */
import { atomicWriteTextFileSync } from "./atomic_write.ts";
import { confinePath, lstatConfinedSync } from "./confine_path.ts";
import { rewriteInPlaceSync } from "./rewrite_in_place.ts";
import { settle } from "./settle.ts";

/**
 * Writes `text` to `path` after checking, with {@linkcode confinePath}, that
 * it stays inside `root`: in place over an existing single-link regular
 * file, else atomically (temporary file, then a rename that replaces no
 * file).
 *
 * @example
 * ```ts
 * import { confinedWriteTextFile } from "./confined_write.ts";
 * import assert from "node:assert/strict";
 *
 * const run = await Deno.makeTempDir();
 * await Deno.mkdir(`${run}/1/2`, { recursive: true });
 * await confinedWriteTextFile(run, `${run}/1/2/prompt-recall.md`, "# Recall\n");
 * await assert.rejects(confinedWriteTextFile(run, `${run}/../x.md`, "no"));
 * await Deno.remove(run, { recursive: true });
 * ```
 *
 * @throws {PathConfinementError} when `path` leaves `root` (nothing written).
 */
export function confinedWriteTextFile(
  root: string,
  path: string,
  text: string,
): Promise<void> {
  return settle(() => confinedWriteTextFileSync(root, path, text));
}

/**
 * {@linkcode confinedWriteTextFile}, synchronously: the check's `lstat` tells
 * whether there is a file to rewrite in place, so a new file costs no failed
 * look-ups beyond that one.
 *
 * @throws {PathConfinementError} when `path` leaves `root` (nothing written).
 */
export function confinedWriteTextFileSync(
  root: string,
  path: string,
  text: string,
): void {
  const { path: confined, info } = lstatConfinedSync(root, path);
  if (info === undefined) {
    // Nothing there to replace: the rename takes a free name.
    atomicWriteTextFileSync(confined, text);
    return;
  }
  if (rewriteInPlaceSync(confined, text)) return;
  atomicWriteTextFileSync(confined, text, { removeFirst: true });
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
