/**
 * The stdin transport: a person reads the prompt, saves the JSON reply at the
 * artifact path, and presses Enter.
 *
 * @module
 */
import type { DispatchContext, Dispatcher } from "./dispatcher.ts";
import { DispatchError } from "./dispatch_error.ts";
import { type AnswerRepair, readAnswer } from "../pipeline/read_answer.ts";
import { confinePathSync, PathConfinementError } from "../util/confine_path.ts";

/** What the dispatcher needs from the terminal. */
export interface PersonConsole {
  /** Whether a person can answer (stdin is a terminal). */
  readonly interactive: boolean;
  /** Shows `lines`, then reads one line; `null` at end of input. */
  ask(lines: readonly string[]): Promise<string | null>;
  /** Shows one line. */
  info(line: string): void;
}

/** Options of {@linkcode StdinDispatcher}. */
export interface StdinDispatcherOptions {
  /**
   * Reads the artifact file.
   *
   * @default {Deno.readTextFile}
   */
  readonly readTextFile?: (path: string) => Promise<string>;
  /**
   * Directory every artifact must stay in, symlinks followed (the run
   * directory): an artifact path that leaves it, or is a symlink, is
   * explained and asked for again, never read.
   *
   * @default {undefined} (no check)
   */
  readonly confineTo?: string;
}

function aborted(context: DispatchContext): DispatchError {
  return new DispatchError(
    "aborted",
    `Dispatch of ${context.caseId} ${context.step} was aborted`,
    { cause: context.signal?.reason },
  );
}

/** Resolves with `promise`, or rejects as soon as `signal` aborts. */
function untilAborted<T>(
  promise: Promise<T>,
  context: DispatchContext,
): Promise<T> {
  const signal = context.signal;
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(aborted(context));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted(context));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() =>
      signal.removeEventListener("abort", onAbort)
    );
  });
}

/**
 * Asks a person at the terminal for each artifact. The reply is the bare
 * artifact JSON (no wrapper). A missing, malformed or invalid reply is
 * explained and asked for again; end of input or an abort fails the dispatch.
 * Without a terminal it fails at once instead of waiting forever.
 */
export class StdinDispatcher implements Dispatcher {
  readonly #console: PersonConsole;
  readonly #readTextFile: (path: string) => Promise<string>;
  readonly #confineTo: string | undefined;

  /** Creates a dispatcher asking through `console`. */
  constructor(console: PersonConsole, options: StdinDispatcherOptions = {}) {
    this.#console = console;
    this.#readTextFile = options.readTextFile ?? Deno.readTextFile;
    this.#confineTo = options.confineTo;
  }

  /** Asks for the artifact of `context` until a valid one is saved. */
  async dispatch(context: DispatchContext): Promise<unknown> {
    if (!this.#console.interactive) {
      throw new DispatchError(
        "no-terminal",
        `Cannot ask a person for ${context.caseId} ${context.step}: standard input is not a terminal; run in a terminal or use --dispatch=file`,
      );
    }
    const banner = [
      "",
      `=== ${context.caseId} ${context.step} ===`,
      `Prompt:   ${context.promptPath}`,
      `Artifact: ${context.artifactPath}`,
      "1. Open the prompt and follow it.",
      "2. Save the JSON reply (the artifact itself, no wrapper) at the artifact path.",
      "3. Press Enter.",
    ];
    let lines = banner;
    while (true) {
      const line = await untilAborted(this.#console.ask(lines), context);
      if (line === null) {
        // End of input (Ctrl-D) stops the whole run once, like Ctrl-C:
        // nobody is left to answer the remaining cases.
        throw new DispatchError(
          "input-closed",
          `Standard input closed while waiting for ${context.caseId} ${context.step}`,
        );
      }
      const problem = await this.#check(context);
      if (problem.ok) {
        const repaired = problem.repairs.length === 0
          ? ""
          : `; repaired: ${problem.repairs.map((r) => r.detail).join("; ")}`;
        this.#console.info(`Read artifact (${problem.bytes} bytes${repaired})`);
        if (problem.repairs.length > 0) context.onRepairs?.(problem.repairs);
        return problem.data;
      }
      lines = [problem.message, "Fix it and press Enter again."];
    }
  }

  async #check(
    context: DispatchContext,
  ): Promise<
    {
      ok: true;
      data: unknown;
      bytes: number;
      repairs: readonly AnswerRepair[];
    } | {
      ok: false;
      message: string;
    }
  > {
    const path = context.artifactPath;
    let text: string;
    try {
      // Checked at every read: the path may have become a symlink since.
      if (this.#confineTo !== undefined) confinePathSync(this.#confineTo, path);
      text = await this.#readTextFile(path);
    } catch (error) {
      return {
        ok: false,
        message: error instanceof PathConfinementError
          ? `${error.message}; save the reply as a regular file at '${path}'`
          : error instanceof Deno.errors.NotFound
          ? `No artifact at '${path}'; expected the JSON reply saved there`
          : `Cannot read artifact '${path}': ${(error as Error).message}`,
      };
    }
    const reading = readAnswer(text, { form: "bare", step: context.step });
    if (!reading.ok) {
      return {
        ok: false,
        message: `Cannot accept artifact '${path}': ${reading.message}`,
      };
    }
    try {
      context.validate?.(reading.data);
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
    return {
      ok: true,
      data: reading.data,
      bytes: new TextEncoder().encode(text).length,
      repairs: reading.repairs,
    };
  }
}
