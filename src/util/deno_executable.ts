/**
 * The Deno executable asterisk spawns for a child of its own (the responder):
 * the running one when the process may run it, else `deno` from `PATH`.
 *
 * The tasks grant `--allow-run=deno`, which Deno resolves through `PATH`
 * without following symlinks, while {@linkcode Deno.execPath} is the
 * canonical path of the running executable: where `deno` on `PATH` is a
 * symlink (npm's `deno` package, a Homebrew install), the run permission
 * covers `deno` but not `Deno.execPath()`. Spawning what the permission names
 * keeps `--allow-run` scoped to the executable actually spawned.
 *
 * @module
 */

/** Answers whether the process may run `command`. */
export type RunPermissionQuery = (command: string) => boolean;

/** Options of {@linkcode denoExecutable}. */
export interface DenoExecutableOptions {
  /** @default {Deno.execPath()} */
  readonly execPath?: string;
  /** @default {Deno.permissions.querySync for `run`} */
  readonly mayRun?: RunPermissionQuery;
}

/** The `run` permission state of `command`, from `Deno.permissions`. */
export function mayRun(command: string): boolean {
  return Deno.permissions.querySync({ name: "run", command }).state ===
    "granted";
}

/**
 * The command that runs Deno: `Deno.execPath()` when the process may run it,
 * else `deno` when it may run that, else `Deno.execPath()` (whose spawn then
 * fails with Deno's permission error naming it).
 *
 * @example Usage
 * ```ts
 * import { denoExecutable } from "./deno_executable.ts";
 * import assert from "node:assert/strict";
 *
 * const execPath = "/opt/deno/2.9.6/deno";
 * assert.equal(denoExecutable({ execPath, mayRun: () => true }), execPath);
 * assert.equal(
 *   denoExecutable({ execPath, mayRun: (command) => command === "deno" }),
 *   "deno",
 * );
 * ```
 */
export function denoExecutable(options: DenoExecutableOptions = {}): string {
  const execPath = options.execPath ?? Deno.execPath();
  const query = options.mayRun ?? mayRun;
  if (query(execPath)) return execPath;
  if (query("deno")) return "deno";
  return execPath;
}
