/**
 * Runs `asterisk respond` as a child process (the running executable, so it
 * also works from a compiled binary) and stops it again.
 *
 * The child gets `--stop-on-stdin-eof` and a pipe as stdin that the parent
 * never writes: if the parent dies without stopping it, the pipe closes and
 * the child exits, so no responder outlives its run.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";

/** Options of {@linkcode spawnResponder}. */
export interface SpawnResponderOptions {
  /** Run directory to watch. */
  readonly runDir: string;
  /** Scenario name or path, as given to `calibrate`. */
  readonly scenario: string;
  /** Delay before each answer, in milliseconds. */
  readonly delayMs?: number;
  /** Poll-only discovery. */
  readonly pollOnly?: boolean;
  /**
   * Who answers: the ground truth or the basic heuristic agent.
   *
   * @default {"ground-truth"}
   */
  readonly agent?: "ground-truth" | "basic";
  /**
   * How long `stop()` waits after SIGTERM before SIGKILL.
   *
   * @default {3000}
   */
  readonly graceMs?: number;
}

/** A running responder child process. */
export interface ResponderProcess {
  /** Process id of the child. */
  readonly pid: number;
  /** Resolves when the child has exited. */
  readonly exited: Promise<Deno.CommandStatus>;
  /** Stops the child: SIGTERM, then SIGKILL after the grace period. */
  stop(): Promise<void>;
}

const MAIN_MODULE = fileURLToPath(new URL("../main.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));

/** The command line that runs `asterisk respond` with `args`. */
export function respondCommand(
  args: readonly string[],
  runDir: string,
): { command: string; args: string[] } {
  if (Deno.build.standalone) {
    return { command: Deno.execPath(), args: ["respond", ...args] };
  }
  return {
    command: Deno.execPath(),
    args: [
      "run",
      "--quiet",
      "--no-prompt",
      `--config=${CONFIG}`,
      "--allow-read",
      `--allow-write=${resolve(runDir)}`,
      MAIN_MODULE,
      "respond",
      ...args,
    ],
  };
}

/** Starts `asterisk respond` for `options.runDir` as a child process. */
export function spawnResponder(
  options: SpawnResponderOptions,
): ResponderProcess {
  const args = [
    `--run-dir=${resolve(options.runDir)}`,
    `--scenario=${options.scenario}`,
    "--stop-on-stdin-eof",
    // calibrate shows its own progress; the child reports errors only.
    "--quiet",
    ...(options.delayMs ? [`--delay=${options.delayMs}ms`] : []),
    ...(options.pollOnly ? ["--poll-only"] : []),
    ...(options.agent === "basic" ? ["--agent=basic"] : []),
  ];
  const { command, args: fullArgs } = respondCommand(args, options.runDir);
  const child = new Deno.Command(command, {
    args: fullArgs,
    stdin: "piped",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const stdin = child.stdin.getWriter();
  const exited = child.status;
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid,
    exited,
    stop() {
      stopping ??= (async () => {
        await stdin.close().catch(() => {});
        let timer: ReturnType<typeof setTimeout> | undefined;
        const grace = new Promise<"timeout">((done) => {
          timer = setTimeout(() => done("timeout"), options.graceMs ?? 3000);
        });
        try {
          child.kill("SIGTERM");
        } catch {
          // already exited
        }
        const outcome = await Promise.race([exited, grace]);
        clearTimeout(timer);
        if (outcome === "timeout") {
          try {
            child.kill("SIGKILL");
          } catch {
            // already exited
          }
          await exited;
        }
      })();
      return stopping;
    },
  };
}
