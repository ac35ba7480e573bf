/**
 * asterisk entry point: runs the CLI with the process arguments, stops on
 * Ctrl-C or SIGTERM (aborting the run and cleaning up), and exits with the
 * CLI's status.
 *
 * @module
 */
import { runCli } from "./cli/run_cli.ts";

if (import.meta.main) {
  const controller = new AbortController();
  const signals: Deno.Signal[] = Deno.build.os === "windows"
    ? ["SIGINT"]
    : ["SIGINT", "SIGTERM"];
  const onSignal = () => controller.abort(new Error("Interrupted"));
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  const code = await runCli(Deno.args, {
    signal: controller.signal,
    stdinClosed: async () => {
      for await (const _ of Deno.stdin.readable) {
        // discard: the parent never writes; only the end matters
      }
    },
  });
  for (const s of signals) Deno.removeSignalListener(s, onSignal);
  Deno.exit(code);
}
