/**
 * Temporary directories for tests: {@linkcode usingTempDir} with `await
 * using`, or {@linkcode withTempDir} around a function.
 *
 * @module
 */

/** A fresh temporary directory, removed (with its contents) when disposed. */
export interface TempDir extends AsyncDisposable {
  /** Absolute path of the directory. */
  readonly path: string;
}

/**
 * Makes a fresh temporary directory that `await using` removes at the end of
 * the scope, whatever happens in it.
 *
 * @example
 * ```ts
 * import { usingTempDir } from "./temp_dir.ts";
 *
 * await using dir = await usingTempDir();
 * Deno.writeTextFileSync(`${dir.path}/a.txt`, "a");
 * ```
 */
export async function usingTempDir(): Promise<TempDir> {
  const path = await Deno.makeTempDir({ prefix: "asterisk-test-" });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true }).catch(() => {
        // Gone already, or a test left it unremovable: the test's own
        // outcome is what counts, and the directory is a temporary one.
      });
    },
  };
}

/** Runs `fn` with a fresh temporary directory, removed afterwards. */
export async function withTempDir<T>(
  fn: (dir: string) => Promise<T>,
): Promise<T> {
  await using dir = await usingTempDir();
  return await fn(dir.path);
}
