/**
 * Finds `signal.json` files under a directory.
 *
 * @module
 */
import { join } from "node:path";
import { SIGNAL_FILE } from "./signal.ts";

/** How deep below the start directory signals are looked for. */
const MAX_DEPTH = 5;

/**
 * Yields the path of every `signal.json` under `dir` (at most five levels
 * down: `run-n/suite/case/signal.json` and the like), in name order.
 * Unreadable directories are skipped.
 */
export async function* findSignalFiles(
  dir: string,
  depth = 0,
): AsyncGenerator<string> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return;
  }
  entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  for (const entry of entries) {
    if (entry.isFile && entry.name === SIGNAL_FILE) yield join(dir, entry.name);
    else if (entry.isDirectory && depth < MAX_DEPTH) {
      yield* findSignalFiles(join(dir, entry.name), depth + 1);
    }
  }
}
