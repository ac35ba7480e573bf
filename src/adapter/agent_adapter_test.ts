import assert from "node:assert/strict";
import { join } from "node:path";
import { type CaseView, createAgentAdapter } from "./agent_adapter.ts";
import { loadTemplates } from "./prompt/render_prompt.ts";
import { ArtifactError } from "../pipeline/artifact_error.ts";
import { ARTIFACT_JSON_SCHEMAS } from "../pipeline/artifact_json_schemas.ts";
import {
  parseArtifact,
  type StepArtifact,
} from "../pipeline/artifact_schemas.ts";
import { MemoryStore } from "../store/memory_store.ts";
import type { DispatchContext, Dispatcher } from "../transport/dispatcher.ts";

const templates = await loadTemplates();

async function setup(answer: unknown) {
  const dir = await Deno.makeTempDir();
  const store = new MemoryStore();
  const storeCase = await store.createCase({
    jobId: 1,
    launchId: 1,
    name: "OCP-1 clock test <&>",
    errorMessage: "ptp4l lost lock",
  });
  const contexts: DispatchContext[] = [];
  const dispatcher: Dispatcher = {
    dispatch(context) {
      contexts.push(context);
      context.validate?.(answer);
      return Promise.resolve(answer);
    },
  };
  const artifacts: StepArtifact[] = [];
  const view: CaseView = {
    artifacts,
    loops: { investigate: 0, reassess: 0 },
    version: "4.21",
    job: "[T-TSC]",
  };
  const adapter = createAgentAdapter({
    store,
    workspace: [{
      name: "repo-a",
      path: "",
      purpose: "daemon",
      branch: "main",
      relevant_to_rcas: ["R1"],
      is_red_herring: false,
    }],
    caseView: (id) => id === "C1" ? view : undefined,
    dispatcher,
    templates,
  });
  return { dir, adapter, contexts, artifacts, storeCaseId: storeCase.id };
}

Deno.test("the agent adapter writes the prompt and dispatches it", async () => {
  const answer = { symptom_category: "product", candidate_repos: ["repo-a"] };
  const { dir, adapter, contexts, storeCaseId } = await setup(answer);
  try {
    const result = await adapter.answer({
      caseId: "C1",
      storeCaseId,
      step: "F1_TRIAGE",
      caseDir: dir,
    });
    assert.equal(adapter.name, "agent");
    assert.deepEqual(result.data, answer);
    assert.deepEqual(result.source, {
      name: join(dir, "triage-result.json"),
      fieldPrefix: "data",
    });
    assert.equal(contexts[0].promptPath, join(dir, "prompt-triage.md"));
    assert.equal(contexts[0].artifactPath, join(dir, "triage-result.json"));
    const prompt = await Deno.readTextFile(contexts[0].promptPath);
    assert.match(prompt, /## Failure under investigation/);
    assert.ok(prompt.includes("OCP-1 clock test <&>"));
    assert.ok(prompt.includes(contexts[0].artifactPath));
    assert.ok(!prompt.includes("relevant_to_rcas"));
    // Steps as data: the context carries the same text and the step's schema.
    assert.equal(contexts[0].prompt, prompt);
    assert.equal(contexts[0].schema, ARTIFACT_JSON_SCHEMAS.F1_TRIAGE);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a repeated step gets its own prompt and artifact files", async () => {
  const answer = { convergence_score: 0.9, component: "daemon" };
  const { dir, adapter, contexts, artifacts, storeCaseId } = await setup(
    answer,
  );
  try {
    artifacts.push({
      step: "F3_INVESTIGATE",
      data: parseArtifact("F3_INVESTIGATE", { convergence_score: 0.2 }, {
        name: "earlier",
      }),
    });
    await adapter.answer({
      caseId: "C1",
      storeCaseId,
      step: "F3_INVESTIGATE",
      caseDir: dir,
    });
    assert.equal(
      contexts[0].promptPath,
      join(dir, "prompt-investigate-loop-1.md"),
    );
    assert.equal(contexts[0].artifactPath, join(dir, "artifact-loop-1.json"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an artifact that breaks the schema fails naming the field", async () => {
  const { dir, adapter, storeCaseId } = await setup({ defect_type: 7 });
  try {
    await assert.rejects(
      adapter.answer({
        caseId: "C1",
        storeCaseId,
        step: "F3_INVESTIGATE",
        caseDir: dir,
      }),
      (error) =>
        error instanceof ArtifactError &&
        error.message ===
          `Cannot accept artifact '${
            join(dir, "artifact.json")
          }': field 'data.defect_type' must be a string`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
