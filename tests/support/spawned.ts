/**
 * Subprocesses for kill tests: `deno run src/main.ts …` with its output read
 * line by line, and waits with deadlines (never sleeps).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { waitFor } from "./wait_for.ts";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));

/** A running asterisk subprocess. */
export interface Spawned {
  readonly pid: number;
  /** Lines written to stderr so far. */
  readonly lines: string[];
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Resolves when a stderr line matches `pattern`; rejects after `deadlineMs`. */
  waitForLine(pattern: RegExp, deadlineMs?: number): Promise<string>;
  /** Resolves with the exit status once both streams are drained. */
  readonly status: Promise<Deno.CommandStatus>;
  kill(signal: Deno.Signal): void;
}

async function readLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    rest += chunk;
    let nl: number;
    while ((nl = rest.indexOf("\n")) >= 0) {
      onLine(rest.slice(0, nl));
      rest = rest.slice(nl + 1);
    }
  }
  if (rest !== "") onLine(rest);
}

/** Spawns `asterisk <args>` from the sources. */
export function spawnAsterisk(args: readonly string[]): Spawned {
  return spawnProcess(Deno.execPath(), [
    "run",
    "--quiet",
    `--config=${CONFIG}`,
    "-A",
    MAIN,
    ...args,
  ]);
}

/** Spawns `command` with `args` (in `options.cwd`), its stderr read by line. */
export function spawnProcess(
  command: string,
  args: readonly string[],
  options: { readonly cwd?: string } = {},
): Spawned {
  const child = new Deno.Command(command, {
    args: [...args],
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  let out = "";
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of waiters) waiter();
  };
  const errDone = readLines(child.stderr, (line) => {
    lines.push(line);
    notify();
  });
  const outDone = (async () => {
    for await (
      const chunk of child.stdout.pipeThrough(new TextDecoderStream())
    ) {
      out += chunk;
    }
  })();
  let exited = false;
  const status = (async () => {
    const [s] = await Promise.all([child.status, errDone, outDone]);
    // Waiters see the exit: a line that never came fails them now.
    exited = true;
    notify();
    return s;
  })();
  return {
    pid: child.pid,
    lines,
    stdout: () => out,
    status,
    kill: (signal) => child.kill(signal),
    waitForLine(pattern, deadlineMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find((line) => pattern.test(line));
          if (found !== undefined) {
            done();
            resolve(found);
          } else if (exited) {
            done();
            reject(
              new Error(
                `process ${child.pid} ended without a line matching ${pattern}:\n${
                  lines.join("\n")
                }`,
              ),
            );
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(
              `no line matching ${pattern} within ${deadlineMs} ms:\n${
                lines.join("\n")
              }`,
            ),
          );
        }, deadlineMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Resolves once `path` exists; rejects after `deadlineMs`. */
export async function waitForFile(
  path: string,
  deadlineMs = 60_000,
): Promise<void> {
  await waitFor(
    async () => {
      try {
        await Deno.stat(path);
        return true;
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
        return false;
      }
    },
    `'${path}' appears`,
    { deadlineMs, intervalMs: 25 },
  );
}
