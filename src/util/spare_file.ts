/**
 * An empty file made ahead of time, off the main thread, so that a write
 * that must create a new file (an agent's answer) takes it instead of
 * creating one while something waits for it.
 *
 * @module
 */
import { join } from "node:path";
import { atomicWriteTextFileSync } from "./atomic_write.ts";
import { rewriteInPlaceSync } from "./rewrite_in_place.ts";

/**
 * One spare empty file in a directory, made in the background by
 * {@linkcode SpareFile.prepare} and used up by
 * {@linkcode SpareFile.writeNew}. On our journal-less ext4 a file create
 * scans past every inode freed in the last minute (about 0.45 ms of each
 * answer of the ground-truth responder, on the dispatch's critical path);
 * made while the writer waits anyway, it costs that path nothing.
 *
 * @example
 * ```ts
 * import { SpareFile } from "./spare_file.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = Deno.makeTempDirSync();
 * const spare = new SpareFile(dir);
 * await spare.prepare();
 * spare.writeNew(`${dir}/answer.json`, "{}\n");
 * assert.equal(Deno.readTextFileSync(`${dir}/answer.json`), "{}\n");
 * await spare.dispose();
 * assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["answer.json"]);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export class SpareFile {
  readonly #dir: string;
  #ready: string | undefined;
  #making: Promise<void> | undefined;

  /**
   * @param dir where the spare is made: on the file system of the files
   * {@linkcode writeNew} writes (a rename cannot cross file systems).
   */
  constructor(dir: string) {
    this.#dir = dir;
  }

  /**
   * Makes the spare (a hidden `.spare.{random}.tmp`) when there is none, off
   * the main thread. Resolves when it is made; never rejects: a spare that
   * cannot be made only means the next write creates its file itself.
   */
  prepare(): Promise<void> {
    if (this.#ready !== undefined) return Promise.resolve();
    if (this.#making !== undefined) return this.#making;
    const path = join(
      this.#dir,
      `.spare.${crypto.randomUUID().slice(0, 8)}.tmp`,
    );
    const making = Deno.open(path, { write: true, createNew: true })
      .then((file) => {
        file.close();
        this.#ready = path;
      })
      .catch(() => {
        // No spare this time: writeNew creates its temporary file itself.
      })
      .finally(() => {
        if (this.#making === making) this.#making = undefined;
      });
    this.#making = making;
    return making;
  }

  /**
   * Writes `text` to the new file `path` atomically: into the spare (when it
   * is ready and still the plain empty file of one link it made, see
   * `rewriteInPlaceSync`), then renamed to `path`; else through a temporary
   * file of its own in the spare's directory, as
   * {@linkcode atomicWriteTextFileSync} with `tempDir` does.
   */
  writeNew(path: string, text: string): void {
    const spare = this.#ready;
    this.#ready = undefined;
    if (spare !== undefined && rewriteInPlaceSync(spare, text)) {
      try {
        Deno.renameSync(spare, path);
        return;
      } catch (error) {
        try {
          Deno.removeSync(spare);
        } catch {
          // The rename's error is the one to report.
        }
        throw error;
      }
    }
    atomicWriteTextFileSync(path, text, { tempDir: this.#dir });
  }

  /** Removes an unused spare (once one being made is made). */
  async dispose(): Promise<void> {
    await this.#making;
    const spare = this.#ready;
    this.#ready = undefined;
    if (spare === undefined) return;
    await Deno.remove(spare).catch(() => {
      // Already gone (its directory removed): nothing is left behind.
    });
  }
}
