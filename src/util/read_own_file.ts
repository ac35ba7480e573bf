/**
 * Reads small files that agents may write — claims — without following a
 * symlink: a path an agent pointed elsewhere is never read through.
 *
 * @module
 */

/** What {@linkcode readOwnTextFileSync} found at a path. */
export type OwnFileText =
  /** Nothing is there. */
  | { readonly kind: "missing" }
  /** A regular file of its own, and its text. */
  | { readonly kind: "text"; readonly text: string }
  /**
   * Something not to read: a symlink (dangling or not), a directory, or a
   * file swapped for another between the look and the open.
   */
  | { readonly kind: "other" };

const decoder = new TextDecoder();

/**
 * Reads the regular file at `path` as UTF-8 text, when `path` itself is one:
 * its `lstat` must show a regular file, and the file opened must be that
 * same file, so a symlink put there — before or during the read — is never
 * followed.
 *
 * @example
 * ```ts
 * import { readOwnTextFileSync } from "./read_own_file.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/claim.json`, "{}");
 * Deno.symlinkSync(`${dir}/claim.json`, `${dir}/link.json`);
 * assert.deepEqual(readOwnTextFileSync(`${dir}/claim.json`), {
 *   kind: "text",
 *   text: "{}",
 * });
 * assert.deepEqual(readOwnTextFileSync(`${dir}/link.json`), { kind: "other" });
 * assert.deepEqual(readOwnTextFileSync(`${dir}/none.json`), {
 *   kind: "missing",
 * });
 * Deno.removeSync(dir, { recursive: true });
 * ```
 *
 * @throws {Deno.errors.PermissionDenied} and other I/O errors except
 * `NotFound`.
 */
export function readOwnTextFileSync(path: string): OwnFileText {
  let seen: Deno.FileInfo;
  let file: Deno.FsFile;
  try {
    seen = Deno.lstatSync(path);
    if (!seen.isFile) return { kind: "other" };
    file = Deno.openSync(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { kind: "missing" };
    throw error;
  }
  try {
    const opened = file.statSync();
    if (
      !opened.isFile || opened.ino !== seen.ino || opened.dev !== seen.dev
    ) {
      return { kind: "other" };
    }
    const chunks: Uint8Array[] = [];
    let length = 0;
    // A byte more than the size the file had: a read that does not fill the
    // buffer reached the end (the file may still grow while an agent writes
    // it, then the reads go on).
    let buffer = new Uint8Array(Math.max(opened.size, 0) + 1);
    while (true) {
      const read = file.readSync(buffer);
      if (read === null || read === 0) break;
      chunks.push(buffer.subarray(0, read));
      length += read;
      if (read < buffer.length) break;
      buffer = new Uint8Array(4096);
    }
    if (chunks.length === 1) {
      return { kind: "text", text: decoder.decode(chunks[0]) };
    }
    const bytes = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return { kind: "text", text: decoder.decode(bytes) };
  } finally {
    file.close();
  }
}
