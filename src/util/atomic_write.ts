/**
 * Atomic file writes: a temporary file in the same directory, then a rename,
 * so a reader never sees a partly written file.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";

/**
 * Writes `text` to `path` atomically: the text goes to a uniquely named
 * temporary file beside `path` (`.{name}.{random}.tmp`), which is then
 * renamed over `path`. The temporary file is removed when the write fails.
 *
 * @example
 * ```ts
 * await atomicWriteTextFile("run/signal.json", JSON.stringify(signal));
 * ```
 */
export async function atomicWriteTextFile(
  path: string,
  text: string,
): Promise<void> {
  const temp = join(
    dirname(path),
    `.${basename(path)}.${crypto.randomUUID().slice(0, 8)}.tmp`,
  );
  try {
    await Deno.writeTextFile(temp, text);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

/** Writes `value` as pretty-printed JSON (2 spaces, trailing newline) atomically. */
export function atomicWriteJson(path: string, value: unknown): Promise<void> {
  return atomicWriteTextFile(path, `${JSON.stringify(value, null, 2)}\n`);
}
