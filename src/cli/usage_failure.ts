/**
 * How a command's error becomes a usage failure (exit status 2): bad input
 * (the caller says which errors are input errors) and a missing permission,
 * each reported on one line.
 *
 * @module
 */
import { ExitCode, type ExitCodeValue } from "./exit_code.ts";
import type { Terminal } from "./terminal.ts";

/**
 * Reports `error` on `terminal` when it is an input error (`isInput`) or a
 * missing permission, and returns the usage exit status; returns `undefined`
 * (nothing reported) for any other error.
 *
 * @example Usage
 * ```ts
 * import { usageFailure } from "./usage_failure.ts";
 * import { Terminal } from "./terminal.ts";
 * import assert from "node:assert/strict";
 *
 * let err = "";
 * const terminal = new Terminal({
 *   writeOut: () => {},
 *   writeErr: (text) => err += text,
 *   errIsTerminal: false,
 * });
 * const isInput = (e: unknown) => e instanceof TypeError;
 * assert.equal(usageFailure(terminal, new TypeError("bad flag"), isInput), 2);
 * assert.equal(err, "error: bad flag\n");
 * assert.equal(usageFailure(terminal, new Error("disk"), isInput), undefined);
 * ```
 */
export function usageFailure(
  terminal: Terminal,
  error: unknown,
  isInput: (error: unknown) => boolean,
): ExitCodeValue | undefined {
  if (isInput(error)) {
    terminal.error((error as Error).message);
    return ExitCode.Usage;
  }
  if (error instanceof Deno.errors.NotCapable) {
    terminal.error(
      `${error.message}; grant the permission or choose a path inside the allowed directories`,
    );
    return ExitCode.Usage;
  }
  return undefined;
}
