/**
 * The parent's end of the wake pipe between calibrate and the responder
 * child it starts (`--responder=auto`, `asterisk respond --wake-pipe`): the
 * file dispatcher names each `waiting` signal it writes on the child's
 * standard input, one path a line, and the child names each file it wrote
 * for a dispatch (the artifact, or an `error` signal) on its standard output,
 * which wakes the dispatch waiting in that directory.
 *
 * Only wake-ups travel on the pipe. Every answer still goes through the files
 * of `contracts/file-protocol.md`, which both sides read from disk as they
 * would another process's, and the dispatcher's fallback poll stays. What
 * the pipe replaces is the two processes' directory watches: the child's
 * recursive watch woke for every write anywhere in the run directory (the
 * runner's own prompts, states and store included) and resolved the path of
 * each event, and the dispatcher started a watch per dispatch.
 *
 * @module
 */
import { dirname, isAbsolute, resolve } from "node:path";
import type {
  WatchEvent,
  WatchFactory,
  WatchHandle,
} from "../transport/artifact_watcher.ts";
import { Wake } from "../util/wake.ts";

/** One directory's watch, fed by the child's lines. */
class PipeWatch implements WatchHandle {
  readonly #paths: string[] = [];
  readonly #wake = new Wake();
  readonly #onClose: () => void;
  #closed = false;

  constructor(onClose: () => void) {
    this.#onClose = onClose;
  }

  push(path: string): void {
    if (this.#closed) return;
    this.#paths.push(path);
    this.#wake.notify();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClose();
    this.#wake.notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<WatchEvent> {
    while (!this.#closed) {
      if (this.#paths.length > 0) {
        yield { kind: "change", paths: this.#paths.splice(0) };
      } else {
        await this.#wake.wait();
      }
    }
  }
}

/**
 * Both directions of the wake pipe, over a child's standard input (written
 * through `send`) and standard output (its lines given to
 * {@linkcode WakePipe.received}).
 *
 * @example
 * ```ts
 * import { WakePipe } from "./wake_pipe.ts";
 *
 * const sent: string[] = [];
 * const pipe = new WakePipe((line) => sent.push(line));
 * const watch = pipe.watch("/run/1/2");
 * pipe.signalWritten("/run/1/2/signal.json");
 * pipe.received("/run/1/2/recall-result.json");
 * for await (const event of watch) {
 *   console.assert(event.kind === "change");
 *   break;
 * }
 * watch.close();
 * console.assert(sent[0] === "/run/1/2/signal.json\n");
 * ```
 */
export class WakePipe {
  readonly #send: (text: string) => void;
  readonly #watches = new Map<string, Set<PipeWatch>>();

  /** `send` writes text to the child's standard input. */
  constructor(send: (text: string) => void) {
    this.#send = send;
  }

  /**
   * Tells the child that the signal at `path` was written (the file
   * dispatcher's `onSignalWritten`). A path holding a line break is not
   * sent: the child's sweep finds that signal.
   */
  readonly signalWritten = (path: string): void => {
    if (/[\r\n]/.test(path)) return;
    this.#send(`${path}\n`);
  };

  /**
   * A {@linkcode WatchFactory} for the file dispatcher: each handle reports a
   * `change` for every file the child names in its directory.
   */
  readonly watch: WatchFactory = (dir: string): WatchHandle => {
    const key = resolve(dir);
    let set = this.#watches.get(key);
    if (set === undefined) {
      set = new Set();
      this.#watches.set(key, set);
    }
    const watches = set;
    const watch = new PipeWatch(() => {
      watches.delete(watch);
      if (watches.size === 0 && this.#watches.get(key) === watches) {
        this.#watches.delete(key);
      }
    });
    watches.add(watch);
    return watch;
  };

  /**
   * Takes one line of the child's standard output: the path of a file it
   * wrote. Anything that is not an absolute path is ignored, and so is a
   * path in a directory nobody watches.
   */
  received(line: string): void {
    const path = line.trim();
    if (!isAbsolute(path)) return;
    const watches = this.#watches.get(dirname(resolve(path)));
    if (watches === undefined) return;
    for (const watch of watches) watch.push(resolve(path));
  }
}
