/**
 * Atomic replacement of a small file that is rewritten again and again (a
 * dispatch's `signal.json`), without creating or freeing an inode per write.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { atomicWriteWithSync } from "./atomic_write.ts";

/** The two hidden names beside `path` that {@linkcode recyclingWriteSync} uses. */
export function recyclingPaths(path: string): { spare: string; keep: string } {
  const dir = dirname(path);
  const name = basename(path);
  return {
    spare: join(dir, `.${name}.spare`),
    keep: join(dir, `.${name}.keep`),
  };
}

/**
 * Writes `data` to `path` atomically, as {@linkcode atomicWriteWithSync} does
 * (a reader opening `path` sees the old bytes or the new ones, never a part),
 * but through a spare file that takes the replaced file's place:
 *
 * 1. the new bytes go into `.{name}.spare`, overwritten in place;
 * 2. a hard link `.{name}.keep` keeps the current `path` alive;
 * 3. the spare is renamed over `path`, and the kept file becomes the spare.
 *
 * The same two inodes serve every write. On this kind of machine (ext4
 * without a journal) creating a file scans past every inode freed in the last
 * minute, and freeing one waits for a discard: a write that creates a
 * temporary file and frees the replaced one cost 3–4 times as much, and
 * slowed every other file creation of the run. Overwriting in place, never
 * truncating to zero, also spares ext4's forced block allocation (its
 * `auto_da_alloc` for a rename over a file or a truncation to zero).
 *
 * The price: a reader that opened `path` and still reads from it after the
 * second write since may see that write's bytes (the file it holds is the
 * spare by then). Read such a file promptly after opening it.
 *
 * A spare that is not a plain file of one link (an agent may write the
 * directory: a symlink, a hard link to another file, a directory) is left
 * alone, never written through: the write then takes a fresh temporary file,
 * as {@linkcode atomicWriteWithSync} does. So does a file system without hard
 * links.
 *
 * @example
 * ```ts
 * import { recyclingWriteSync } from "./recycling_write.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = Deno.makeTempDirSync();
 * const path = `${dir}/signal.json`;
 * const encoder = new TextEncoder();
 * recyclingWriteSync(path, encoder.encode('{"status":"waiting"}'));
 * recyclingWriteSync(path, encoder.encode('{"status":"done"}'));
 * const second = Deno.statSync(path).ino;
 * recyclingWriteSync(path, encoder.encode('{"status":"waiting","n":2}'));
 * recyclingWriteSync(path, encoder.encode('{"status":"done"}'));
 * assert.equal(Deno.readTextFileSync(path), '{"status":"done"}');
 * assert.equal(Deno.statSync(path).ino, second); // the same two inodes
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function recyclingWriteSync(path: string, data: Uint8Array): void {
  const { spare, keep } = recyclingPaths(path);
  const file = openSpareSync(spare);
  if (file === undefined) {
    atomicWriteWithSync(path, (temp) => Deno.writeFileSync(temp, data));
    return;
  }
  try {
    let written = 0;
    while (written < data.length) {
      written += file.writeSync(data.subarray(written));
    }
    file.truncateSync(data.length);
  } finally {
    file.close();
  }
  const kept = linkKeepSync(path, keep);
  Deno.renameSync(spare, path);
  if (kept) Deno.renameSync(keep, spare);
}

/**
 * The spare, opened for writing at its start: an existing plain file of one
 * link, checked again once open (same device and inode as its `lstat`, so
 * not swapped for a symlink in between), or a new file. `undefined` when it
 * is anything else, or cannot be opened.
 */
function openSpareSync(spare: string): Deno.FsFile | undefined {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(spare);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) return undefined;
    try {
      return Deno.openSync(spare, { write: true, createNew: true });
    } catch {
      // Created by someone else meanwhile, or not creatable: the caller
      // writes through a fresh temporary file instead.
      return undefined;
    }
  }
  if (!info.isFile || (info.nlink ?? 1) !== 1) return undefined;
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(spare, { write: true });
  } catch {
    // Gone or changed since the lstat: write through a temporary file.
    return undefined;
  }
  let opened: Deno.FileInfo;
  try {
    opened = file.statSync();
  } catch (error) {
    file.close();
    throw error;
  }
  if (opened.ino !== info.ino || opened.dev !== info.dev) {
    file.close();
    return undefined;
  }
  return file;
}

/**
 * Links `keep` to `path`, so renaming over `path` frees nothing. A `keep`
 * left by an interrupted write is replaced. `false` when there is nothing to
 * keep (no file at `path` yet) or no hard link can be made here: the rename
 * then replaces the old file, and the next write makes a new spare.
 */
function linkKeepSync(path: string, keep: string): boolean {
  try {
    Deno.linkSync(path, keep);
    return true;
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) return false;
  }
  try {
    Deno.removeSync(keep);
    Deno.linkSync(path, keep);
    return true;
  } catch {
    // A `keep` that cannot be replaced costs only the recycling.
    return false;
  }
}
