/**
 * Late writes: after asterisk accepted a step, the artifact in the case
 * directory is its normalised copy of the answer, and `run.db` holds the
 * accepted artifact. An agent may still write that file (a second answer, a
 * slow subagent); such a write is noted on the case and never used — the
 * store's copy is what the run, `--resume` and `asterisk report` read — and
 * the file is put back to the accepted copy.
 *
 * @module
 */
import { join } from "node:path";
import type { CalibrationRun, CaseRecord } from "./calibration_run.ts";
import { isPipelineStep, stepFiles } from "../pipeline/step.ts";
import { confinedWriteJson } from "../util/confined_write.ts";
import { confinePathSync, PathConfinementError } from "../util/confine_path.ts";
import { readTextIfExistsSync } from "../util/read_json_file.ts";

/** The text asterisk writes for an accepted artifact. */
function acceptedText(normalised: unknown): string {
  return `${JSON.stringify(normalised, null, 2)}\n`;
}

/**
 * Compares every accepted artifact of `run` with its file in the case
 * directory. Each file that changed after acceptance gets a
 * `late write ignored` note on its case (`record.notes`, the report's
 * `answer_notes`) and a `note` event, and is rewritten with the accepted copy.
 * A missing file (a case directory removed) is not a late write; a path
 * leading outside the run is neither read nor written.
 *
 * @returns the notes added, in store order.
 */
export async function noteLateWrites(
  run: Pick<CalibrationRun, "store" | "layout" | "records" | "observe">,
): Promise<string[]> {
  const byStoreId = new Map<number, CaseRecord>(
    run.records.map((r) => [r.storeCaseId, r]),
  );
  const added: string[] = [];
  for (const artifact of await run.store.listArtifacts()) {
    const record = byStoreId.get(artifact.caseId);
    if (record === undefined || !isPipelineStep(artifact.step)) continue;
    const path = join(
      record.dir,
      stepFiles(artifact.step, artifact.attempt).artifact,
    );
    let text: string | undefined;
    try {
      // Synchronously: one small read per accepted step, at the end of the
      // run (awaited, each costs several times as much).
      text = readTextIfExistsSync(confinePathSync(run.layout.root, path));
    } catch (error) {
      // Outside the run: not ours to read; the case's own writes fail on it.
      if (error instanceof PathConfinementError) continue;
      throw error;
    }
    const expected = acceptedText(artifact.normalised);
    if (text === undefined || text === expected) continue;
    const message =
      `late write ignored: '${path}' changed after ${artifact.step} was accepted; the accepted artifact (run.db) is used and the file restored`;
    (record.notes ??= []).push(message);
    added.push(message);
    run.observe({ type: "note", caseId: record.gt.id, message });
    await confinedWriteJson(run.layout.root, path, artifact.normalised);
  }
  return added;
}
