/**
 * Locates the Go version's exported datasets (read in place, never copied).
 * Tests that use them are ignored when the folder is absent.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

function envOverride(): string | undefined {
  try {
    return Deno.env.get("ASTERISK_UPSTREAM_DATASETS") || undefined;
  } catch {
    return undefined;
  }
}

/** The datasets folder: `$ASTERISK_UPSTREAM_DATASETS` or `../shared/datasets/upstream`. */
export const UPSTREAM_DATASETS_DIR: string = envOverride() ??
  fileURLToPath(new URL("../../../shared/datasets/upstream/", import.meta.url));

/** The four dataset names. */
export const UPSTREAM_DATASETS = [
  "daemon-mock",
  "ptp-mock",
  "ptp-real",
  "ptp-real-ingest",
] as const;

/** Path of one dataset file. */
export function upstreamDataset(name: string): string {
  return join(UPSTREAM_DATASETS_DIR, `${name}.json`);
}

/** True when the datasets folder is present (decided once, synchronously). */
export const HAS_UPSTREAM_DATASETS: boolean = (() => {
  try {
    return Deno.statSync(upstreamDataset("ptp-mock")).isFile;
  } catch {
    return false;
  }
})();
