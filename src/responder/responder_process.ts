/**
 * Runs `asterisk respond` as a child process (the running executable, so it
 * also works from a compiled binary) and stops it again.
 *
 * The child gets `--stop-on-stdin-eof` and a pipe as stdin: if the parent
 * dies without stopping it, the pipe closes and the child exits, so no
 * responder outlives its run. With `wakePipe` the same pipe, and one from the
 * child's stdout, carry wake hints instead of directory watches (see
 * `wake_pipe.ts`).
 *
 * @module
 */
import { resolve } from "node:path";
import { parseRespondFlags } from "../cli/respond_command.ts";
import { BUILTIN_SCENARIOS } from "../scenario/builtin_scenarios.ts";
import {
  denoExecutable,
  type RunPermissionQuery,
} from "../util/deno_executable.ts";
import { WakePipe } from "./wake_pipe.ts";

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
   * Wake the child through its standard streams (`respond --wake-pipe`)
   * instead of a directory watch: the process's
   * {@linkcode ResponderProcess.wakePipe} then carries the hints, for the
   * run's file dispatcher. Ignored with `pollOnly`.
   *
   * @default {false}
   */
  readonly wakePipe?: boolean;
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
  /**
   * The wake pipe to the child (when started with `wakePipe`): give its
   * `watch` and `signalWritten` to the file dispatcher.
   */
  readonly wakePipe?: WakePipe;
  /** Stops the child: SIGTERM, then SIGKILL after the grace period. */
  stop(): Promise<void>;
}

const MAIN_MODULE = resolve(import.meta.dirname!, "..", "main.ts");
/**
 * The entry point of the child {@linkcode spawnResponder} starts under `deno
 * run`: the respond command alone (see `respond_main.ts`), which starts
 * sooner than the whole CLI.
 */
const RESPOND_MODULE = resolve(import.meta.dirname!, "respond_main.ts");
const CONFIG = resolve(import.meta.dirname!, "..", "..", "deno.json");

/** Answers whether the process may `read` or `write` `path`. */
export type PathPermissionQuery = (
  name: "read" | "write",
  path: string,
) => boolean;

/** The `read` or `write` permission state of `path`, from `Deno.permissions`. */
export function mayAccess(name: "read" | "write", path: string): boolean {
  return Deno.permissions.querySync({ name, path }).state === "granted";
}

/** Options of {@linkcode respondCommand} and {@linkcode responderPermissions}. */
export interface RespondCommandOptions {
  /** Run directory the child answers. */
  readonly runDir: string;
  /** Scenario name or path, as given to the child. */
  readonly scenario: string;
  /** @default {mayAccess} */
  readonly mayAccess?: PathPermissionQuery;
  /** @default {mayRun} */
  readonly mayRun?: RunPermissionQuery;
  /** @default {Deno.build.standalone} */
  readonly standalone?: boolean;
  /** @default {Deno.execPath()} */
  readonly execPath?: string;
}

function permissionList(paths: readonly string[]): string {
  for (const path of paths) {
    // Deno splits permission lists on commas and has no escape for one.
    if (path.includes(",")) {
      throw new Error(
        `Cannot start the responder: path '${path}' holds a comma, which a Deno permission flag cannot name; expected a run directory and scenario path without commas`,
      );
    }
  }
  return paths.join(",");
}

/**
 * The read and write permission flags of the responder child: its parent's
 * scopes for the paths the responder uses — the run directory (read and
 * write) and the scenario file (read) — each granted only when the parent
 * holds it, and nothing else. The child never holds more than its parent; a
 * parent with unscoped read still gives the child read of those paths only.
 *
 * @example Usage
 * ```ts
 * import { responderPermissions } from "./responder_process.ts";
 * import assert from "node:assert/strict";
 *
 * const flags = responderPermissions({
 *   runDir: "/work/.asterisk",
 *   scenario: "/work/datasets/s.json",
 *   mayAccess: (name, path) => name === "read" || !path.endsWith(".json"),
 * });
 * assert.deepEqual(flags, [
 *   "--allow-read=/work/.asterisk,/work/datasets/s.json",
 *   "--allow-write=/work/.asterisk",
 * ]);
 * ```
 */
export function responderPermissions(
  options: RespondCommandOptions,
): string[] {
  const query = options.mayAccess ?? mayAccess;
  const runDir = resolve(options.runDir);
  const read = [runDir];
  if (!Object.hasOwn(BUILTIN_SCENARIOS, options.scenario)) {
    read.push(resolve(options.scenario));
  }
  const readable = read.filter((path) => query("read", path));
  const writable = [runDir].filter((path) => query("write", path));
  return [
    ...(readable.length > 0
      ? [`--allow-read=${permissionList(readable)}`]
      : []),
    ...(writable.length > 0
      ? [`--allow-write=${permissionList(writable)}`]
      : []),
  ];
}

/**
 * The command line that runs `asterisk respond` with `args`: the compiled
 * binary itself (the same baked-in permissions as its parent), or Deno — the
 * executable the run permission names, see {@linkcode denoExecutable} — with
 * {@linkcode responderPermissions}.
 */
export function respondCommand(
  args: readonly string[],
  options: RespondCommandOptions,
): { command: string; args: string[] } {
  const execPath = options.execPath ?? Deno.execPath();
  if (options.standalone ?? Deno.build.standalone) {
    return { command: execPath, args: ["respond", ...args] };
  }
  return {
    command: denoExecutable({ execPath, mayRun: options.mayRun }),
    args: [...denoRunArgs(options), MAIN_MODULE, "respond", ...args],
  };
}

/** `deno run` and its flags for a responder child, up to the module. */
function denoRunArgs(options: RespondCommandOptions): string[] {
  return [
    "run",
    "--quiet",
    "--no-prompt",
    `--config=${CONFIG}`,
    ...responderPermissions(options),
  ];
}

/**
 * The command line of the child {@linkcode spawnResponder} starts: what
 * {@linkcode respondCommand} gives a compiled binary; under `deno run`,
 * `respond_main.ts` with the flags parsed here (by the `respond` command's
 * own definitions) as JSON, so the child loads neither the rest of the CLI
 * nor a command-line parser.
 *
 * @throws {UsageError} when `args` are not valid `respond` flags.
 */
export function responderChildCommand(
  args: readonly string[],
  options: RespondCommandOptions,
): { command: string; args: string[] } {
  if (options.standalone ?? Deno.build.standalone) {
    return respondCommand(args, options);
  }
  const execPath = options.execPath ?? Deno.execPath();
  return {
    command: denoExecutable({ execPath, mayRun: options.mayRun }),
    args: [
      ...denoRunArgs(options),
      RESPOND_MODULE,
      JSON.stringify(parseRespondFlags(args)),
    ],
  };
}

/** Starts `asterisk respond` for `options.runDir` as a child process. */
export function spawnResponder(
  options: SpawnResponderOptions,
): ResponderProcess {
  const wake = options.wakePipe === true && !options.pollOnly;
  const args = [
    `--run-dir=${resolve(options.runDir)}`,
    `--scenario=${options.scenario}`,
    "--stop-on-stdin-eof",
    // calibrate shows its own progress; the child reports errors only.
    "--quiet",
    ...(options.delayMs ? [`--delay=${options.delayMs}ms`] : []),
    ...(options.pollOnly ? ["--poll-only"] : []),
    ...(wake ? ["--wake-pipe"] : []),
    ...(options.agent === "basic" ? ["--agent=basic"] : []),
  ];
  const { command, args: fullArgs } = responderChildCommand(args, options);
  const child = new Deno.Command(command, {
    args: fullArgs,
    stdin: "piped",
    stdout: wake ? "piped" : "null",
    stderr: "inherit",
  }).spawn();
  const stdin = child.stdin.getWriter();
  const exited = child.status;
  let wakePipe: WakePipe | undefined;
  if (wake) {
    const encoder = new TextEncoder();
    const pipe = new WakePipe((text) => {
      // Not awaited: the writes queue in order; a child gone ends the run
      // through `exited`.
      stdin.write(encoder.encode(text)).catch(() => {});
    });
    wakePipe = pipe;
    readLines(child.stdout, (line) => pipe.received(line)).catch(() => {});
  }
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid,
    exited,
    ...(wakePipe ? { wakePipe } : {}),
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

/** Gives each line of `stream` (without its line break) to `onLine`. */
async function readLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  // A reader and a decoder, not a decoding stream piped in: one hop less per
  // chunk, and a chunk comes per dispatch.
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      onLine(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
    }
  }
  buffer += decoder.decode();
  if (buffer !== "") onLine(buffer);
}
