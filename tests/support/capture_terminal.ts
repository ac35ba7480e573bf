/**
 * A {@linkcode Terminal} that records what it writes, for tests.
 *
 * @module
 */
import { Terminal, type TerminalOptions } from "../../src/cli/terminal.ts";

/** A terminal plus what it wrote. */
export interface CapturedTerminal {
  readonly terminal: Terminal;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
}

/** Options of {@linkcode captureTerminal} beyond the terminal's own. */
export interface CaptureOptions extends TerminalOptions {
  /** Width of the (live) terminal. */
  readonly columns?: number;
}

/**
 * Creates a terminal writing into memory (not a TTY unless `live`). With
 * `readLine`, standard input is a terminal answered by that function. Pass a
 * `FakeTime` as `options.clock` to drive the live status line's refresh.
 */
export function captureTerminal(
  live = false,
  readLine?: () => Promise<string | null>,
  options: CaptureOptions = {},
): CapturedTerminal {
  let out = "";
  let err = "";
  const terminal = new Terminal({
    writeOut: (text) => out += text,
    writeErr: (text) => err += text,
    errIsTerminal: live,
    inIsTerminal: readLine !== undefined,
    readLine,
    columns: () => options.columns,
  }, options);
  return { terminal, stdout: () => out, stderr: () => err };
}
