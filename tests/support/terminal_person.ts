/**
 * A "person" at a captured terminal for `--dispatch=stdin` tests: reads the
 * last banner, writes the ground-truth artifact at the artifact path, presses
 * Enter.
 *
 * @module
 */
import assert from "node:assert/strict";
import { groundTruthAnswer } from "../../src/adapter/ground_truth.ts";
import { isPipelineStep, type PipelineStep } from "../../src/pipeline/step.ts";
import { runDirKnowledge } from "../../src/responder/run_dir_knowledge.ts";
import type { Scenario } from "../../src/scenario/scenario_schema.ts";
import { type CapturedTerminal, captureTerminal } from "./capture_terminal.ts";

/** Turns the oracle's payload for (case, step) into the text saved. */
export type PersonWriter = (
  answer: { caseId: string; step: PipelineStep; data: Record<string, unknown> },
) => string;

/**
 * A captured interactive terminal whose person answers every prompt of a
 * `scenario` run in `runDir` from the ground truth, saved as `write` says
 * (default: the bare JSON). With `closeAfter`, input ends after that many
 * answers.
 */
export function terminalWithPerson(
  scenario: Scenario,
  runDir: string,
  write: PersonWriter = ({ data }) => JSON.stringify(data),
  options: { readonly closeAfter?: number; readonly onAsk?: () => void } = {},
): CapturedTerminal {
  let seen = 0;
  let answered = 0;
  const t: CapturedTerminal = captureTerminal(false, () => person());
  async function person(): Promise<string | null> {
    options.onAsk?.();
    // Ctrl-D: end of input once `closeAfter` prompts were answered.
    if (options.closeAfter !== undefined && answered >= options.closeAfter) {
      return null;
    }
    answered += 1;
    const err = t.stderr().slice(seen);
    seen = t.stderr().length;
    const banner = /=== (C\d+) (F\d_[A-Z]+) ===/.exec(err);
    const artifact = /Artifact: (.+)\n/.exec(err);
    assert.ok(banner && artifact, err);
    const step = banner[2];
    assert.ok(isPipelineStep(step));
    const data = await groundTruthAnswer(
      scenario,
      { caseId: banner[1], step },
      await runDirKnowledge(runDir),
    );
    await Deno.writeTextFile(
      artifact[1],
      write({ caseId: banner[1], step, data }),
    );
    return "";
  }
  return t;
}
