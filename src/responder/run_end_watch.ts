/**
 * Watching a run directory for the end of its run: `run.json` gets an end
 * status (`finished`, `stopped`, `failed`) when calibrate ends, so an agent —
 * `asterisk respond` among them — can stop by itself.
 *
 * An end status already there at the first look belongs to an earlier run of
 * the directory (a new calibrate will replace it), so it does not count: the
 * watch reports an end only once `run.json` changed since then.
 *
 * @module
 */
import {
  findRunFiles,
  isRunEnded,
  readRunFile,
  type RunStatus,
} from "../runner/run_file.ts";

/** What identifies one state of one `run.json`. */
function stateKey(
  run: { started_at: string; status: string; ended_at?: string },
): string {
  return `${run.started_at} ${run.status} ${run.ended_at ?? ""}`;
}

/** Watches the runs of one directory (its `run.json`, or `run-<n>/run.json`). */
export class RunEndWatch {
  readonly #runDir: string;
  #initial: Map<string, string> | undefined;

  /** Watches `runDir`; {@linkcode look} takes the first look. */
  constructor(runDir: string) {
    this.#runDir = runDir;
  }

  /** The state of every run file, by path; unreadable ones as `""`. */
  async #states(): Promise<Map<string, { key: string; status?: RunStatus }>> {
    const states = new Map<string, { key: string; status?: RunStatus }>();
    for (const path of await findRunFiles(this.#runDir)) {
      try {
        const run = await readRunFile(path);
        states.set(path, { key: stateKey(run), status: run.status });
      } catch {
        // Unreadable now (being replaced, or not asterisk's): not ended.
        states.set(path, { key: "" });
      }
    }
    return states;
  }

  /**
   * Looks at the run files: the end status once every run of the directory
   * has ended and one of them changed since the first look, else
   * `undefined`. The first call only records what is there.
   */
  async look(): Promise<RunStatus | undefined> {
    let states: Map<string, { key: string; status?: RunStatus }>;
    try {
      states = await this.#states();
    } catch {
      // The directory cannot be listed now; look again later.
      return undefined;
    }
    if (this.#initial === undefined) {
      this.#initial = new Map([...states].map(([p, s]) => [p, s.key]));
      return undefined;
    }
    if (states.size === 0) return undefined;
    let changed = false;
    let last: RunStatus | undefined;
    for (const [path, state] of states) {
      if (state.status === undefined || !isRunEnded(state.status)) {
        return undefined;
      }
      if (this.#initial.get(path) !== state.key) changed = true;
      // A failed or stopped run outranks a finished one in the answer.
      if (last === undefined || last === "finished") last = state.status;
    }
    return changed ? last : undefined;
  }
}
