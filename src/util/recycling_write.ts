/**
 * Atomic replacement of a small file that is rewritten again and again (a
 * dispatch's `signal.json`), without creating or freeing an inode per write.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { atomicWriteWithSync } from "./atomic_write.ts";
import { rewriteInPlaceSync } from "./rewrite_in_place.ts";

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
 * 1. the new bytes go into `.{name}.spare`, overwritten in place
 *    ({@linkcode rewriteInPlaceSync});
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
 * as {@linkcode atomicWriteWithSync} does. Where no hard link can be made, the
 * rename frees the replaced file and the next write creates a new spare.
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
  if (!rewriteInPlaceSync(spare, data)) {
    try {
      // No spare yet; never through anything already there (a symlink,
      // even a dangling one, fails the exclusive create).
      Deno.writeFileSync(spare, data, { createNew: true });
    } catch {
      // A spare that is not a plain file of its own: left alone.
      atomicWriteWithSync(path, (temp) => Deno.writeFileSync(temp, data));
      return;
    }
  }
  const kept = linkKeepSync(path, keep);
  Deno.renameSync(spare, path);
  if (kept) Deno.renameSync(keep, spare);
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
