/**
 * The terminal: the one module that writes to stdout and stderr. Reports go
 * to stdout; progress and errors go to stderr — a live, rewritten status line
 * on a TTY, plain lines on a pipe. Every text is written with its control
 * characters escaped ({@linkcode escapeText}): text from an agent or a
 * scenario can neither move the cursor nor forge a line.
 *
 * @module
 */
import type { RunEvent } from "../runner/run_event.ts";
import { escapeText } from "../util/escape_text.ts";

/** Where the terminal writes. */
export interface TerminalStreams {
  /** Writes to standard output. */
  readonly writeOut: (text: string) => void;
  /** Writes to standard error. */
  readonly writeErr: (text: string) => void;
  /** Whether standard error is a terminal (live progress) or not (plain lines). */
  readonly errIsTerminal: boolean;
  /** Whether standard input is a terminal (a person can answer). */
  readonly inIsTerminal?: boolean;
  /** Reads one line from standard input; `null` at end of input. */
  readonly readLine?: () => Promise<string | null>;
}

const encoder = new TextEncoder();

function writeAll(file: { writeSync(p: Uint8Array): number }, text: string) {
  const bytes = encoder.encode(text);
  let written = 0;
  while (written < bytes.length) {
    written += file.writeSync(bytes.subarray(written));
  }
}

/** Yields the lines of a byte stream (without line endings). */
async function* lines(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<string> {
  let buffer = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, newline).replace(/\r$/, "");
      buffer = buffer.slice(newline + 1);
    }
  }
  if (buffer !== "") yield buffer;
}

/** The process's own streams. */
export function processStreams(): TerminalStreams {
  let input: AsyncGenerator<string> | undefined;
  return {
    writeOut: (text) => writeAll(Deno.stdout, text),
    writeErr: (text) => writeAll(Deno.stderr, text),
    errIsTerminal: Deno.stderr.isTerminal(),
    inIsTerminal: Deno.stdin.isTerminal(),
    readLine: async () => {
      input ??= lines(Deno.stdin.readable);
      const next = await input.next();
      return next.done ? null : next.value;
    },
  };
}

/** Renders output and run progress. */
export class Terminal {
  readonly #streams: TerminalStreams;
  #statusShown = false;

  /** Creates a terminal writing to `streams` (the process's by default). */
  constructor(streams: TerminalStreams = processStreams()) {
    this.#streams = streams;
  }

  /** Whether progress is rendered live (stderr is a TTY). */
  get live(): boolean {
    return this.#streams.errIsTerminal;
  }

  #clearStatus(): void {
    if (this.#statusShown) {
      this.#streams.writeErr("\r\x1b[2K");
      this.#statusShown = false;
    }
  }

  #status(text: string): void {
    this.#streams.writeErr(`\r\x1b[2K${escapeText(text)}`);
    this.#statusShown = true;
  }

  /**
   * Writes `text` to stdout (reports, JSON), control characters but line
   * breaks escaped (an escaped JSON text stays valid JSON).
   */
  out(text: string): void {
    this.#clearStatus();
    this.#streams.writeOut(escapeText(text, { keepNewlines: true }));
  }

  /** Writes one informational line to stderr. */
  info(line: string): void {
    this.#clearStatus();
    this.#streams.writeErr(`${escapeText(line, { keepNewlines: true })}\n`);
  }

  /** Writes an error (one or more lines) to stderr, each prefixed `error: `. */
  error(message: string): void {
    this.#clearStatus();
    const lines = message.split("\n").map((l) => `error: ${escapeText(l)}\n`);
    this.#streams.writeErr(lines.join(""));
  }

  /** Renders one run event. */
  progress(event: RunEvent): void {
    switch (event.type) {
      case "run-start":
        this.info(
          `run ${event.run}/${event.runs}: scenario ${event.scenario}, ${event.cases} cases, run directory ${event.runDir}`,
        );
        return;
      case "step-done":
        if (this.live) {
          this.#status(`${event.caseId} ${event.step} → ${event.next}`);
        }
        return;
      case "case-done": {
        const path = event.path.join("→") || "(no steps)";
        const line = `[${event.completed}/${event.total}] ${event.caseId} ${
          event.error ? `failed: ${escapeText(event.error)}` : path
        }`;
        if (this.live && !event.error) this.#status(line);
        else this.info(line);
        return;
      }
      case "note":
        this.info(`${event.caseId}: ${escapeText(event.message)}`);
        return;
      case "info":
        this.info(escapeText(event.message));
        return;
    }
  }

  /** Clears the live status line, if any. */
  finish(): void {
    this.#clearStatus();
  }

  /** Whether a person can answer on standard input. */
  get interactive(): boolean {
    return this.#streams.inIsTerminal === true &&
      this.#streams.readLine !== undefined;
  }

  /** Shows `lines` on stderr, then reads one line of input (`null` at end of input). */
  async ask(lines: readonly string[]): Promise<string | null> {
    this.#clearStatus();
    this.#streams.writeErr(
      lines.map((l) => `${escapeText(l, { keepNewlines: true })}\n`).join("") +
        "  > ",
    );
    const readLine = this.#streams.readLine;
    return readLine ? await readLine() : null;
  }
}
