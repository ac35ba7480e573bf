/**
 * The terminal: the one module that writes to stdout and stderr. Reports go
 * to stdout; progress and errors go to stderr — on a TTY a live status line
 * (cases done/total, steps, steps in flight, elapsed time; redrawn every
 * second through the timer seam while an agent works) under the per-case
 * lines, which stay; on a pipe plain lines without control sequences. Every text is written with its control
 * characters escaped ({@linkcode escapeText}): text from an agent or a
 * scenario can neither move the cursor nor forge a line.
 *
 * @module
 */
import { RunProgress } from "./run_progress.ts";
import type { RunEvent } from "../runner/run_event.ts";
import { systemClock, type TimerId, type Timers } from "../util/clock.ts";
import { escapeText } from "../util/escape_text.ts";
import { CoalescingWriter } from "./coalescing_writer.ts";

/** Where the terminal writes. */
export interface TerminalStreams {
  /** Writes to standard output. */
  readonly writeOut: (text: string) => void;
  /** Writes to standard error. */
  readonly writeErr: (text: string) => void;
  /**
   * Writes to standard error, possibly later: text may be held back (up to a
   * few tens of ms) to be written with more. Per-case progress lines go
   * here; without it they go to `writeErr`.
   */
  readonly holdErr?: (text: string) => void;
  /** Whether standard error is a terminal (live progress) or not (plain lines). */
  readonly errIsTerminal: boolean;
  /** Whether standard input is a terminal (a person can answer). */
  readonly inIsTerminal?: boolean;
  /** Reads one line from standard input; `null` at end of input. */
  readonly readLine?: () => Promise<string | null>;
  /** Width of the terminal in columns, when known (the status line is cut to it). */
  readonly columns?: () => number | undefined;
  /** Writes out anything the streams hold back (before the program exits). */
  readonly flush?: () => void;
}

/** Options of {@linkcode Terminal}. */
export interface TerminalOptions {
  /**
   * Timers of the status line's refresh and its elapsed time.
   *
   * @default {systemClock}
   */
  readonly clock?: Timers;
  /**
   * How often the live status line is redrawn while nothing happens.
   *
   * @default {1000}
   */
  readonly refreshMs?: number;
  /**
   * Step events redraw the status line at most this often (a fast run emits
   * thousands); case lines and the refresh always redraw.
   *
   * @default {50}
   */
  readonly throttleMs?: number;
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

/**
 * The process's own streams. On a pipe or a file, per-case progress lines
 * (`holdErr`) are gathered for up to 25 ms into one write, since a large run
 * prints one per case; any other write, and reading input, first writes what
 * is held, so the order of lines and of the two streams is kept. A process
 * killed with SIGKILL may lose the last 25 ms of case lines (the run store
 * has every step).
 */
export function processStreams(): TerminalStreams {
  let input: AsyncGenerator<string> | undefined;
  const errIsTerminal = Deno.stderr.isTerminal();
  const held = errIsTerminal
    ? undefined
    : new CoalescingWriter((text) => writeAll(Deno.stderr, text));
  const flush = () => held?.flush();
  return {
    writeOut: (text) => {
      flush();
      writeAll(Deno.stdout, text);
    },
    writeErr: (text) => {
      flush();
      writeAll(Deno.stderr, text);
    },
    ...(held ? { holdErr: (text: string) => held.write(text) } : {}),
    flush,
    errIsTerminal,
    inIsTerminal: Deno.stdin.isTerminal(),
    columns: () => {
      try {
        return Deno.consoleSize().columns;
      } catch {
        // Not a console (a pipe, a file): no width to cut to.
        return undefined;
      }
    },
    readLine: async () => {
      flush();
      input ??= lines(Deno.stdin.readable);
      const next = await input.next();
      return next.done ? null : next.value;
    },
  };
}

/** Renders output and run progress. */
export class Terminal {
  readonly #streams: TerminalStreams;
  readonly #clock: Timers;
  readonly #refreshMs: number;
  readonly #throttleMs: number;
  #drawnAt = -Infinity;
  readonly #progress = new RunProgress();
  #statusShown = false;
  /** A run is in progress: the live status line is shown under other lines. */
  #active = false;
  #asking = false;
  #timer: TimerId | undefined;

  /** Creates a terminal writing to `streams` (the process's by default). */
  constructor(
    streams: TerminalStreams = processStreams(),
    options: TerminalOptions = {},
  ) {
    const refreshMs = options.refreshMs ?? 1000;
    if (!Number.isFinite(refreshMs) || refreshMs <= 0) {
      throw new RangeError(
        `Cannot refresh the status line every ${refreshMs} ms: expected a positive number`,
      );
    }
    this.#streams = streams;
    this.#clock = options.clock ?? systemClock;
    this.#refreshMs = refreshMs;
    this.#throttleMs = options.throttleMs ?? 50;
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
    let line = escapeText(text);
    const columns = this.#streams.columns?.();
    // A line wider than the terminal wraps, and `\r` would clear only its end.
    // (A width of 0 is a pseudo-terminal that does not know its size.)
    if (
      columns !== undefined && columns > 1 && [...line].length > columns - 1
    ) {
      line = `${[...line].slice(0, Math.max(columns - 2, 0)).join("")}…`;
    }
    this.#streams.writeErr(`\r\x1b[2K${line}`);
    this.#statusShown = true;
  }

  /** Redraws the live status line (on a TTY, while a run is in progress). */
  #redraw(): void {
    if (this.live && this.#active && !this.#asking) {
      this.#drawnAt = this.#clock.monotonic();
      this.#status(this.#progress.status(this.#drawnAt));
    }
  }

  #startRefresh(): void {
    if (this.#timer !== undefined) return;
    const tick = () => {
      this.#timer = this.#clock.setTimeout(tick, this.#refreshMs);
      // The refresh never keeps the process alive on its own.
      if (this.#clock === systemClock) Deno.unrefTimer(this.#timer);
      this.#redraw();
    };
    this.#timer = this.#clock.setTimeout(tick, this.#refreshMs);
    if (this.#clock === systemClock) Deno.unrefTimer(this.#timer);
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
    this.#redraw();
  }

  /** Writes an error (one or more lines) to stderr, each prefixed `error: `. */
  error(message: string): void {
    this.#clearStatus();
    const lines = message.split("\n").map((l) => `error: ${escapeText(l)}\n`);
    this.#streams.writeErr(lines.join(""));
    this.#redraw();
  }

  /**
   * Renders one run event: the run's start and each case's outcome as lines
   * (they stay), everything else into the live status line (TTY only).
   */
  progress(event: RunEvent): void {
    // The clock is read only where the time is used (the run's start, the
    // live line's throttle): a 10,000-case run sends 120,000 step events.
    this.#progress.update(
      event,
      event.type === "run-start" ? this.#clock.monotonic() : Number.NaN,
    );
    switch (event.type) {
      case "run-start":
        this.#active = this.live;
        this.info(
          `run ${event.run}/${event.runs}: scenario ${event.scenario}, ${event.cases} cases, run directory ${event.runDir}`,
        );
        if (this.live) this.#startRefresh();
        return;
      case "step-dispatched":
      case "step-answered":
      case "step-done":
        if (
          this.live &&
          this.#clock.monotonic() - this.#drawnAt >= this.#throttleMs
        ) {
          this.#redraw();
        }
        return;
      case "case-done": {
        const path = event.path.join("→") || "(no steps)";
        const line = `[${event.completed}/${event.total}] ${event.caseId} ${
          event.error ? `failed: ${escapeText(event.error)}` : path
        }`;
        if (this.#streams.holdErr && !this.live) {
          this.#streams.holdErr(`${escapeText(line)}\n`);
        } else {
          this.info(line);
        }
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

  /** Stops the live status line: clears it and its refresh. */
  finish(): void {
    this.#active = false;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#clearStatus();
  }

  /** Writes out any output the streams hold back; call it before exiting. */
  flush(): void {
    this.#streams.flush?.();
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
    // No redraw while a person types on the prompt's line.
    this.#asking = true;
    try {
      return readLine ? await readLine() : null;
    } finally {
      this.#asking = false;
    }
  }
}
