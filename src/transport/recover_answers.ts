/**
 * Answers that arrived while no calibrate was waiting: after calibrate was
 * killed, an agent may still have written the artifact of a signal that was
 * `waiting` or `processing`. `--resume` accepts such an artifact without
 * asking again.
 *
 * @module
 */
import { findSignalFiles } from "./find_signal_files.ts";
import { readSignal } from "./signal.ts";
import { type AnswerRepair, readAnswer } from "../pipeline/read_answer.ts";
import { isPipelineStep } from "../pipeline/step.ts";

/** An answer found on disk: its payload and the repairs reading it took. */
export interface RecoveredAnswer {
  readonly data: unknown;
  readonly repairs: readonly AnswerRepair[];
}

/**
 * Returns, per artifact path, the payload (and repairs) of every open signal under
 * `runDir` whose artifact is present with the signal's `dispatch_id`.
 * Artifacts that are missing, stale or not valid wrappers are left out (the
 * step is offered again).
 */
export async function recoverAnswers(
  runDir: string,
): Promise<Map<string, RecoveredAnswer>> {
  const answers = new Map<string, RecoveredAnswer>();
  for await (const path of findSignalFiles(runDir)) {
    const signal = await readSignal(path);
    if (signal?.status !== "waiting" && signal?.status !== "processing") {
      continue;
    }
    let text: string;
    try {
      text = await Deno.readTextFile(signal.artifact_path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw error;
    }
    // Read as the dispatcher reads it; a bare answer has no dispatch id to
    // prove it answers this signal, so it is offered again instead.
    const parsed = readAnswer(text, {
      form: "wrapper",
      ...(isPipelineStep(signal.step) ? { step: signal.step } : {}),
    });
    if (parsed.ok && parsed.dispatchId === signal.dispatch_id) {
      answers.set(signal.artifact_path, {
        data: parsed.data,
        repairs: parsed.repairs,
      });
    }
  }
  return answers;
}
