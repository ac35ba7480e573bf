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
      // Plain reads, not the stream: the responder child gets a line per
      // dispatch here, and a stream and its decoder cost twice a read.
      const decoder = new TextDecoder();
      const chunk = new Uint8Array(64 * 1024);
      let buffer = "";
      while (true) {
        const read = await Deno.stdin.read(chunk);
        if (read === null) break;
        if (onLine === undefined) continue; // only the end matters
        buffer += decoder.decode(chunk.subarray(0, read), { stream: true });
        let newline: number;
        while ((newline = buffer.indexOf("\n")) >= 0) {
          onLine(buffer.slice(0, newline));
          buffer = buffer.slice(newline + 1);
        }
      }
      buffer += decoder.decode();
      if (buffer !== "") onLine?.(buffer);
    },
  });
  for (const s of signals) Deno.removeSignalListener(s, onSignal);
  Deno.exit(code);
}
