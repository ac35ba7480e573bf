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
 * Returns the path of every `signal.json` under `dir` (at most five levels
 * down: `run-n/suite/case/signal.json` and the like), in name order.
 * Unreadable directories are skipped.
 *
 * Synchronous: one `readdir` per directory, where an awaited one costs
 * several times as much (a 1,000-case run has a thousand case directories).
 *
 * @example
 * ```ts
 * import { findSignalFilesSync } from "./find_signal_files.ts";
 *
 * const dir = Deno.makeTempDirSync();
 * Deno.mkdirSync(`${dir}/1/2`, { recursive: true });
 * Deno.writeTextFileSync(`${dir}/1/2/signal.json`, "{}");
 * console.assert(findSignalFilesSync(dir)[0] === `${dir}/1/2/signal.json`);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function findSignalFilesSync(dir: string): string[] {
  const found: string[] = [];
  walk(dir, 0, found);
  return found;
}

function walk(dir: string, depth: number, found: string[]): void {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch {
    return;
  }
  entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  for (const entry of entries) {
    if (entry.isFile && entry.name === SIGNAL_FILE) {
      found.push(join(dir, entry.name));
    } else if (entry.isDirectory && depth < MAX_DEPTH) {
      walk(join(dir, entry.name), depth + 1, found);
    }
  }
}

/**
 * {@linkcode findSignalFilesSync} as an async generator: yields the path of
 * every `signal.json` under `dir`, in name order.
 */
export async function* findSignalFiles(dir: string): AsyncGenerator<string> {
  yield* findSignalFilesSync(dir);
}
