/**
 * The state behind the terminal's live status line: cases done of the
 * total, steps accepted, steps in flight (dispatched to an agent, not yet
 * answered) and the elapsed time, fed by run events.
 *
 * @module
 */
import type { RunEvent } from "../runner/run_event.ts";

/** Counts of the run in progress. */
export class RunProgress {
  #run = 0;
  #runs = 0;
  #cases = 0;
  #done = 0;
  #steps = 0;
  #inFlight = 0;
  #startedAt = 0;
  #last = "";

  /** Whether a run has started (and the status line has something to say). */
  get started(): boolean {
    return this.#runs > 0;
  }

  /** Steps dispatched and not answered yet. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Takes one run event in; `now` is the monotonic time in milliseconds
   * (read for `run-start` only).
   */
  update(event: RunEvent, now: number): void {
    switch (event.type) {
      case "run-start":
        this.#run = event.run;
        this.#runs = event.runs;
        this.#cases = event.cases;
        this.#done = 0;
        this.#steps = 0;
        this.#inFlight = 0;
        this.#startedAt = now;
        this.#last = "";
        return;
      case "step-dispatched":
        this.#inFlight += 1;
        return;
      case "step-answered":
        this.#inFlight = Math.max(0, this.#inFlight - 1);
        return;
      case "step-done":
        this.#steps += 1;
        this.#last = `${event.caseId} ${event.step} → ${event.next}`;
        return;
      case "case-done":
        this.#done = event.completed;
        this.#cases = event.total;
        return;
    }
  }

  /**
   * The status line at monotonic time `now`, e.g.
   * `[3/12 cases] 17 steps, 2 in flight, 0m 42s · C4 F2_RESOLVE → F3_INVESTIGATE`
   * (`run 2/3 ` first when there are several runs).
   */
  status(now: number): string {
    const seconds = Math.max(0, Math.floor((now - this.#startedAt) / 1000));
    const elapsed = `${Math.floor(seconds / 60)}m ${
      String(seconds % 60).padStart(2, "0")
    }s`;
    const run = this.#runs > 1 ? `run ${this.#run}/${this.#runs} ` : "";
    const steps = `${this.#steps} step${this.#steps === 1 ? "" : "s"}`;
    return `${run}[${this.#done}/${this.#cases} cases] ${steps}, ${this.#inFlight} in flight, ${elapsed}${
      this.#last === "" ? "" : ` · ${this.#last}`
    }`;
  }
}
