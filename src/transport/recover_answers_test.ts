import assert from "node:assert/strict";
import { join } from "node:path";
import { recoverAnswers } from "./recover_answers.ts";
import { SIGNAL_FILE, writeSignal } from "./signal.ts";
import { withTempDir } from "../../tests/support/temp_dir.ts";

const WRAPPER = JSON.stringify({
  dispatch_id: 7,
  data: { match: false, prior_rca_id: 0, confidence: 0.1, reasoning: "r" },
});

async function waitingSignal(caseDir: string, artifactPath: string) {
  await Deno.mkdir(caseDir, { recursive: true });
  await writeSignal(join(caseDir, SIGNAL_FILE), {
    status: "waiting",
    dispatch_id: 7,
    case_id: "C1",
    step: "F0_RECALL",
    prompt_path: join(caseDir, "prompt-recall.md"),
    artifact_path: artifactPath,
    timestamp: "2026-02-17T10:00:00Z",
  });
}

Deno.test("recoverAnswers takes an answer beside its open signal", async () => {
  await withTempDir(async (dir) => {
    const caseDir = join(dir, "run", "1", "1");
    const artifact = join(caseDir, "recall-result.json");
    await waitingSignal(caseDir, artifact);
    await Deno.writeTextFile(artifact, WRAPPER);
    const answers = await recoverAnswers(join(dir, "run"));
    assert.deepEqual([...answers.keys()], [artifact]);
  });
});

Deno.test("recoverAnswers never reads an artifact_path an agent pointed elsewhere", async () => {
  await withTempDir(async (dir) => {
    const runDir = join(dir, "run");
    const outside = join(dir, "outside.json");
    await Deno.writeTextFile(outside, WRAPPER);
    await waitingSignal(join(runDir, "1", "1"), outside);
    const other = join(runDir, "1", "2", "recall-result.json");
    await waitingSignal(join(runDir, "1", "3"), other);
    await Deno.mkdir(join(runDir, "1", "2"), { recursive: true });
    await Deno.writeTextFile(other, WRAPPER);
    const linked = join(runDir, "1", "4");
    await waitingSignal(linked, join(linked, "recall-result.json"));
    await Deno.symlink(outside, join(linked, "recall-result.json"));
    assert.deepEqual([...(await recoverAnswers(runDir)).keys()], []);
  });
});
