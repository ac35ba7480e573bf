/**
 * What an entry point does around its command: stop on Ctrl-C or SIGTERM
 * (the command sees an aborted signal and cleans up), tell the command when
 * standard input closes, and exit with the command's status.
 *
 * @module
 */

/** What {@linkcode runProcess} hands the command. */
export interface ProcessContext {
  /** Aborted on SIGINT (and SIGTERM but on Windows). */
  readonly signal: AbortSignal;
  /**
   * Reads standard input to its end: resolves when it closes, after giving
   * each line (without its line break) to `onLine` when one is given.
   */
  readonly stdinClosed: (onLine?: (line: string) => void) => Promise<void>;
}

/**
 * Runs `command` as the process's job, then exits with its status.
 *
 * @example Usage
 * ```ts ignore
 * import { runProcess } from "./run_process.ts";
 *
 * if (import.meta.main) await runProcess(() => Promise.resolve(0));
 * ```
 */
export async function runProcess(
  command: (context: ProcessContext) => Promise<number>,
): Promise<never> {
  const controller = new AbortController();
  const signals: Deno.Signal[] = Deno.build.os === "windows"
    ? ["SIGINT"]
    : ["SIGINT", "SIGTERM"];
  const onSignal = () => controller.abort(new Error("Interrupted"));
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  const code = await command({
    signal: controller.signal,
    stdinClosed: async (onLine) => {
      let buffer = "";
      for await (
        const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())
      ) {
        if (onLine === undefined) continue; // only the end matters
        buffer += chunk;
        let newline: number;
        while ((newline = buffer.indexOf("\n")) >= 0) {
          onLine(buffer.slice(0, newline));
          buffer = buffer.slice(newline + 1);
        }
      }
      if (buffer !== "") onLine?.(buffer);
    },
  });
  for (const s of signals) Deno.removeSignalListener(s, onSignal);
  Deno.exit(code);
}
