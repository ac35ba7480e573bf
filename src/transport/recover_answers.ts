/**
 * Answers that arrived while no calibrate was waiting: after calibrate was
 * killed, an agent may still have written the artifact of a signal that was
 * `waiting` or `processing`, or written it just before an interrupted
 * calibrate aborted the dispatch or closed the signal on its way out. `--resume` accepts such an
 * artifact without asking again.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { DISPATCH_ABORTED_ERROR } from "./file_dispatcher.ts";
import { RUN_ENDED_ERROR } from "./finalize_signals.ts";
import { findSignalFilesSync } from "./find_signal_files.ts";
import { readSignalSync } from "./signal.ts";
import { type AnswerRepair, readAnswer } from "../pipeline/read_answer.ts";
import { isPipelineStep } from "../pipeline/step.ts";
import { confinePathSync, PathConfinementError } from "../util/confine_path.ts";
import { settle } from "../util/settle.ts";

/** An answer found on disk: its payload and the repairs reading it took. */
export interface RecoveredAnswer {
  readonly data: unknown;
  readonly repairs: readonly AnswerRepair[];
  /**
   * The dispatcher had accepted it (signal `done`): the runner may have
   * committed it before it stopped, or not (killed in between). It is used
   * only when the same step and attempt is asked again, which a committed
   * step never is.
   */
  readonly accepted?: boolean;
}

/**
 * Returns, per artifact path, the payload (and repairs) of every signal under
 * `runDir` left open, aborted, closed because its run ended, or accepted
 * (`done`: a parallel runner applies answers after the dispatcher accepted
 * them, so a kill in between leaves an accepted step uncommitted), whose
 * artifact is present with the signal's `dispatch_id`.
 * Artifacts that are missing, stale or not valid wrappers are left out (the
 * step is offered again), and so is an `artifact_path` that is not beside
 * its signal or leads outside `runDir` (never read). The small files are
 * read synchronously (awaited, each read of a large run costs several times
 * as much).
 */
export function recoverAnswers(
  runDir: string,
): Promise<Map<string, RecoveredAnswer>> {
  return settle(() => recoverAnswersSync(runDir));
}

function recoverAnswersSync(runDir: string): Map<string, RecoveredAnswer> {
  const answers = new Map<string, RecoveredAnswer>();
  for (const path of findSignalFilesSync(runDir)) {
    const signal = readSignalSync(path);
    const accepted = signal?.status === "done";
    const open = accepted || signal?.status === "waiting" ||
      signal?.status === "processing" ||
      (signal?.status === "error" &&
        (signal.error === RUN_ENDED_ERROR ||
          signal.error === DISPATCH_ABORTED_ERROR));
    if (!open) continue;
    // The signal is agent-writable: only an artifact beside it, inside the
    // run directory (symlinks followed), can answer it.
    const artifactPath = resolve(signal.artifact_path);
    if (dirname(artifactPath) !== dirname(resolve(path))) continue;
    let text: string;
    try {
      text = Deno.readTextFileSync(confinePathSync(runDir, artifactPath));
    } catch (error) {
      if (
        error instanceof Deno.errors.NotFound ||
        error instanceof PathConfinementError
      ) continue;
      throw error;
    }
    // Read as the dispatcher reads it; a bare answer has no dispatch id to
    // prove it answers this signal, so it is offered again instead.
    const parsed = readAnswer(text, {
      form: "wrapper",
      ...(isPipelineStep(signal.step) ? { step: signal.step } : {}),
    });
    if (parsed.ok && parsed.dispatchId === signal.dispatch_id) {
      answers.set(artifactPath, {
        data: parsed.data,
        repairs: parsed.repairs,
        ...(accepted ? { accepted } : {}),
      });
    }
  }
  return answers;
}
