/**
 * The command a person types to run asterisk, for hints in messages: the
 * binary's own name when running as a compiled executable, else the deno
 * task (a bare `asterisk` is on nobody's `PATH`).
 *
 * @module
 */
import { basename } from "node:path";

/** Where {@linkcode asteriskCommand} looks. */
export interface AsteriskCommandContext {
  /** @default {Deno.build.standalone} */
  readonly standalone?: boolean;
  /** @default {Deno.execPath()} */
  readonly execPath?: string;
}

/** The task that runs the CLI from a checkout (see `deno.json`). */
export const TASK_COMMAND = "deno task asterisk";

/**
 * The command that runs asterisk as typed: `deno task asterisk`, or for a
 * compiled binary its own path as run (`./dist/asterisk`, `asterisk`).
 *
 * @example Usage
 * ```ts
 * import { asteriskCommand } from "./asterisk_command.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(asteriskCommand({ standalone: false }), "deno task asterisk");
 * assert.equal(
 *   asteriskCommand({ standalone: true, execPath: "/opt/bin/asterisk" }),
 *   "asterisk",
 * );
 * ```
 */
export function asteriskCommand(context: AsteriskCommandContext = {}): string {
  const standalone = context.standalone ?? Deno.build.standalone;
  if (!standalone) return TASK_COMMAND;
  return basename(context.execPath ?? Deno.execPath());
}
