/**
 * Atomic file writes: a temporary file in the same directory, then a rename,
 * so a reader never sees a partly written file.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { settle } from "./settle.ts";

/** Options of {@linkcode atomicWriteTextFileSync}. */
export interface AtomicWriteOptions {
  /**
   * Directory of the temporary file; it must be on the same file system as
   * `path` (a rename cannot cross file systems). A directory other than
   * `path`'s keeps the temporary file's creation and writes out of a watch
   * on `path`'s directory, which then sees the rename alone.
   *
   * @default {the directory of `path`}
   */
  readonly tempDir?: string;
  /**
   * Remove the file at `path` just before the rename, so the rename never
   * replaces one. On ext4 (the `auto_da_alloc` default) renaming over an
   * existing file, like truncating one, makes the kernel allocate and start
   * writing the new file's blocks at once: 0.5–1 ms per write on our
   * machines, against about 0.1 ms for a rename to a free name. The price:
   * for the moment between the two calls `path` does not exist, so use it
   * only for files whose readers take a missing file as "not there yet"
   * (see `contracts/file-protocol.md`).
   *
   * @default {false}
   */
  readonly removeFirst?: boolean;
}

/**
 * Writes `text` (or its UTF-8 bytes, when the caller writes them to several
 * files) to `path` atomically and synchronously: the text goes to a
 * uniquely named temporary file beside `path` (`.{name}.{random}.tmp`, or in
 * `options.tempDir`), which is then renamed over `path`. The temporary file
 * is removed when the write fails. Small files are written this way on hot
 * paths: a synchronous write and rename cost a fraction of two awaited
 * asynchronous operations.
 *
 * @example
 * ```ts
 * import { atomicWriteTextFileSync } from "./atomic_write.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = Deno.makeTempDirSync();
 * atomicWriteTextFileSync(`${dir}/signal.json`, '{"status":"waiting"}');
 * assert.equal(Deno.readTextFileSync(`${dir}/signal.json`), '{"status":"waiting"}');
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function atomicWriteTextFileSync(
  path: string,
  text: string | Uint8Array,
  options: AtomicWriteOptions = {},
): void {
  atomicWriteWithSync(path, (temp) => {
    if (typeof text === "string") Deno.writeTextFileSync(temp, text);
    else Deno.writeFileSync(temp, text);
    if (options.removeFirst) removeIfExistsSync(path);
  }, options);
}

/**
 * Writes `path` atomically and synchronously as `fill` fills the temporary
 * file it is given (named and placed as {@linkcode atomicWriteTextFileSync}
 * places it), then renames it over `path`; the temporary file is removed
 * when either fails. For content written in pieces or copied from another
 * file (a report of megabytes) rather than held as one string.
 *
 * @example
 * ```ts
 * import { atomicWriteWithSync } from "./atomic_write.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/report.json`, "{}");
 * atomicWriteWithSync(
 *   `${dir}/copy.json`,
 *   (temp) => Deno.copyFileSync(`${dir}/report.json`, temp),
 * );
 * assert.equal(Deno.readTextFileSync(`${dir}/copy.json`), "{}");
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function atomicWriteWithSync(
  path: string,
  fill: (temp: string) => void,
  options: Pick<AtomicWriteOptions, "tempDir"> = {},
): void {
  const temp = tempPathFor(path, options.tempDir);
  try {
    fill(temp);
    Deno.renameSync(temp, path);
  } catch (error) {
    try {
      Deno.removeSync(temp);
    } catch {
      // The temporary file may never have been created; the write error is
      // the one to report.
    }
    throw error;
  }
}

/** A unique temporary name beside `path` (or in `tempDir`): `.{name}.{random}.tmp`. */
function tempPathFor(path: string, tempDir = dirname(path)): string {
  return join(
    tempDir,
    `.${basename(path)}.${crypto.randomUUID().slice(0, 8)}.tmp`,
  );
}

/** Removes the file at `path`; a missing one is fine. */
function removeIfExistsSync(path: string): void {
  try {
    Deno.removeSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/**
 * {@linkcode atomicWriteTextFileSync} as a promise: rejects instead of
 * throwing.
 *
 * @example
 * ```ts
 * import { atomicWriteTextFile } from "./atomic_write.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await atomicWriteTextFile(`${dir}/signal.json`, '{"status":"done"}');
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function atomicWriteTextFile(
  path: string,
  text: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  return settle(() => atomicWriteTextFileSync(path, text, options));
}

/**
 * {@linkcode atomicWriteTextFileSync}'s write with asynchronous operations,
 * which run off the main thread: for writes nothing waits on, such as the
 * live batch manifest. Creating the temporary file and renaming it over an
 * existing one are the two costly steps of an atomic write on our machines
 * (the inode allocator's scan past recently freed inodes; the old file's
 * blocks freed with a discard that waits for the disk), a few hundred
 * microseconds of the main thread when done synchronously.
 *
 * @example
 * ```ts
 * import { atomicWriteTextFileOffThread } from "./atomic_write.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await atomicWriteTextFileOffThread(`${dir}/batch-manifest.json`, "{}\n");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function atomicWriteTextFileOffThread(
  path: string,
  text: string,
): Promise<void> {
  const temp = tempPathFor(path);
  try {
    await Deno.writeTextFile(temp, text);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {
      // The temporary file may never have been created; the write error is
      // the one to report.
    });
    throw error;
  }
}

/** Writes `value` as pretty-printed JSON (2 spaces, trailing newline) atomically. */
export function atomicWriteJson(
  path: string,
  value: unknown,
  options: AtomicWriteOptions = {},
): Promise<void> {
  return atomicWriteTextFile(
    path,
    `${JSON.stringify(value, null, 2)}\n`,
    options,
  );
}
