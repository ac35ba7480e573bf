import assert from "node:assert/strict";
import { join } from "node:path";
import { DISPATCH_ABORTED_ERROR } from "./file_dispatcher.ts";
import { RUN_ENDED_ERROR } from "./finalize_signals.ts";
import { recoverAnswers } from "./recover_answers.ts";
import { type Signal, SIGNAL_FILE, writeSignal } from "./signal.ts";
import { withTempDir } from "../../tests/support/temp_dir.ts";

const DATA = {
  match: true,
  confidence: 0.9,
  symptom_id: 0,
  prior_rca_id: 0,
  same_as_case_id: 0,
  reasoning: "seen before",
};

/** A case directory with a signal and, unless `artifact` is null, its artifact. */
async function caseDir(
  root: string,
  name: string,
  signal: Partial<Signal>,
  artifact: string | null,
): Promise<string> {
  const dir = join(root, name);
  await Deno.mkdir(dir, { recursive: true });
  const artifactPath = join(dir, "recall-result.json");
  await writeSignal(join(dir, SIGNAL_FILE), {
    status: "waiting",
    dispatch_id: 7,
    case_id: name,
    step: "F0_RECALL",
    prompt_path: join(dir, "prompt-recall.md"),
    artifact_path: artifactPath,
    timestamp: "2026-02-17T10:00:00Z",
    ...signal,
  });
  if (artifact !== null) await Deno.writeTextFile(artifactPath, artifact);
  return artifactPath;
}

Deno.test("recoverAnswers takes artifacts of open, aborted, run-ended and accepted signals only", async () => {
  await withTempDir(async (root) => {
    const wrapper = (id: number) =>
      JSON.stringify({ dispatch_id: id, data: DATA });
    const kept = [
      await caseDir(root, "waiting", {}, wrapper(7)),
      await caseDir(root, "processing", { status: "processing" }, wrapper(7)),
      await caseDir(
        root,
        "run-ended",
        { status: "error", error: RUN_ENDED_ERROR },
        wrapper(7),
      ),
      await caseDir(
        root,
        "aborted",
        { status: "error", error: DISPATCH_ABORTED_ERROR },
        // Read as the dispatcher reads it: a code fence is repaired, and
        // said so.
        "```json\n" + wrapper(7) + "\n```\n",
      ),
    ];
    const accepted = await caseDir(
      root,
      "done",
      { status: "done" },
      wrapper(7),
    );
    kept.push(accepted);
    await caseDir(root, "done-stale", { status: "done" }, wrapper(6));
    await caseDir(
      root,
      "rejected",
      { status: "error", error: "field 'confidence' out of range" },
      wrapper(7),
    );
    await caseDir(root, "stale", {}, wrapper(6));
    await caseDir(root, "bare", {}, JSON.stringify(DATA));
    await caseDir(root, "missing", {}, null);

    const answers = await recoverAnswers(root);
    assert.deepEqual([...answers.keys()].sort(), [...kept].sort());
    for (const answer of answers.values()) assert.deepEqual(answer.data, DATA);
    assert.deepEqual(
      answers.get(kept[3])!.repairs.map((r) => r.kind),
      ["code-fence"],
    );
    assert.deepEqual(answers.get(kept[0])!.repairs, []);
    assert.equal(answers.get(accepted)!.accepted, true);
    assert.equal(answers.get(kept[0])!.accepted, undefined);
  });
});
