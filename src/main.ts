/**
 * asterisk entry point: runs the CLI with the process arguments, stops on
 * Ctrl-C or SIGTERM (aborting the run and cleaning up), and exits with the
 * CLI's status.
 *
 * @module
 */
import { runCli } from "./cli/run_cli.ts";
import { runProcess } from "./cli/run_process.ts";

if (import.meta.main) {
  await runProcess((context) => runCli(Deno.args, context));
}
