/**
 * A {@linkcode Terminal} that records what it writes, for tests.
 *
 * @module
 */
import { Terminal } from "../../src/cli/terminal.ts";

/** A terminal plus what it wrote. */
export interface CapturedTerminal {
  readonly terminal: Terminal;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
}

/**
 * Creates a terminal writing into memory (not a TTY unless `live`). With
 * `readLine`, standard input is a terminal answered by that function.
 */
export function captureTerminal(
  live = false,
  readLine?: () => Promise<string | null>,
): CapturedTerminal {
  let out = "";
  let err = "";
  const terminal = new Terminal({
    writeOut: (text) => out += text,
    writeErr: (text) => err += text,
    errIsTerminal: live,
    inIsTerminal: readLine !== undefined,
    readLine,
  });
  return { terminal, stdout: () => out, stderr: () => err };
}
