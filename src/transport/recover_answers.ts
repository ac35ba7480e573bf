/**
 * Answers that arrived while no calibrate was waiting: after calibrate was
 * killed, an agent may still have written the artifact of a signal that was
 * `waiting` or `processing`. `--resume` accepts such an artifact without
 * asking again.
 *
 * @module
 */
import { findSignalFiles } from "./find_signal_files.ts";
import { parseWrapper, readSignal } from "./signal.ts";

/**
 * Returns, per artifact path, the payload of every open signal under
 * `runDir` whose artifact is present with the signal's `dispatch_id`.
 * Artifacts that are missing, stale or not valid wrappers are left out (the
 * step is offered again).
 */
export async function recoverAnswers(
  runDir: string,
): Promise<Map<string, unknown>> {
  const answers = new Map<string, unknown>();
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
    const parsed = parseWrapper(text);
    if (parsed.ok && parsed.wrapper.dispatch_id === signal.dispatch_id) {
      answers.set(signal.artifact_path, parsed.wrapper.data);
    }
  }
  return answers;
}
