import assert from "node:assert/strict";
import {
  type CaseLinks,
  groundTruthAnswer,
  GroundTruthError,
  type GroundTruthKnowledge,
} from "./ground_truth.ts";
import { parseArtifact } from "../pipeline/artifact_schemas.ts";
import { PIPELINE_STEPS } from "../pipeline/step.ts";
import { loadScenario } from "../scenario/load_scenario.ts";

/** Knowledge where case Cn has store id n and the given links. */
function knowledge(
  links: Record<string, Partial<CaseLinks>> = {},
): GroundTruthKnowledge {
  return {
    links: (id) =>
      Promise.resolve({
        storeCaseId: Number(id.slice(1)),
        symptomId: 0,
        rcaId: 0,
        ...links[id],
      }),
  };
}

const scenario = await loadScenario("ptp-mock");

Deno.test("ground truth answers are valid artifacts for every case and step", async () => {
  for (const gt of scenario.cases) {
    for (const step of PIPELINE_STEPS) {
      const data = await groundTruthAnswer(
        scenario,
        { caseId: gt.id, step },
        knowledge(),
      );
      parseArtifact(step, data, { name: `${gt.id} ${step}` });
    }
  }
});

Deno.test("ground truth copies the expected step outputs", async () => {
  const ask = (caseId: string, step: typeof PIPELINE_STEPS[number]) =>
    groundTruthAnswer(scenario, { caseId, step }, knowledge());
  assert.deepEqual(await ask("C8", "F1_TRIAGE"), {
    symptom_category: "infra",
    severity: "medium",
    defect_type_hypothesis: "si001",
    candidate_repos: [],
    skip_investigation: true,
    cascade_suspected: false,
  });
  assert.deepEqual(await ask("C2", "F1_TRIAGE"), {
    symptom_category: "unknown",
  });
  const resolve = await ask("C1", "F2_RESOLVE") as {
    selected_repos: { name: string }[];
  };
  assert.deepEqual(resolve.selected_repos.map((r) => r.name), [
    "linuxptp-daemon-operator",
  ]);
  assert.deepEqual(await ask("C2", "F3_INVESTIGATE"), {
    convergence_score: 0.5,
  });
  assert.equal(
    (await ask("C4", "F3_INVESTIGATE") as { convergence_score: number })
      .convergence_score,
    0.9,
  );
  assert.deepEqual(await ask("C5", "F5_REVIEW"), { decision: "approve" });
  assert.deepEqual(await ask("C11", "F6_REPORT"), {
    case_id: "C11",
    test_name: scenario.cases[10].test_name,
    defect_type: "nd001",
  });
  const report = await ask("C1", "F6_REPORT") as Record<string, string>;
  assert.equal(report.jira_id, "OCPBUGS-1001");
  assert.equal(report.component, "linuxptp-daemon");
});

Deno.test("a recall hit names the first other linked case's RCA and symptom", async () => {
  const answer = await groundTruthAnswer(
    scenario,
    { caseId: "C3", step: "F0_RECALL" },
    knowledge({ C1: { rcaId: 4, symptomId: 7 }, C2: { rcaId: 9 } }),
  );
  assert.deepEqual(answer, {
    match: true,
    prior_rca_id: 4,
    symptom_id: 7,
    confidence: 0.95,
    reasoning: "Ground truth: recurrence of R1",
  });
});

Deno.test("a recall hit refers to the investigating case while its RCA is pending", async () => {
  const answer = await groundTruthAnswer(
    scenario,
    { caseId: "C5", step: "F0_RECALL" },
    knowledge({ C4: { symptomId: 2 } }),
  );
  assert.equal(answer.prior_rca_id, 0);
  assert.equal(answer.symptom_id, 2);
  assert.equal(answer.same_as_case_id, 4);
});

Deno.test("a duplicate names the linked RCA of another case, never its own", async () => {
  const linked = await groundTruthAnswer(
    scenario,
    { caseId: "C10", step: "F4_CORRELATE" },
    knowledge({ C10: { rcaId: 3 }, C1: { rcaId: 1 } }),
  );
  assert.equal(linked.linked_rca_id, 1);
  assert.equal(linked.same_as_case_id, undefined);
  const pending = await groundTruthAnswer(
    scenario,
    { caseId: "C12", step: "F4_CORRELATE" },
    knowledge({ C12: { rcaId: 3 } }),
  );
  assert.equal(pending.linked_rca_id, undefined);
  assert.equal(pending.same_as_case_id, 4);
  const notDuplicate = await groundTruthAnswer(
    scenario,
    { caseId: "C1", step: "F4_CORRELATE" },
    knowledge({ C1: { rcaId: 1 } }),
  );
  assert.deepEqual(notDuplicate, {
    is_duplicate: false,
    confidence: 0.3,
    cross_version_match: false,
  });
});

Deno.test("ground truth refuses an unknown case", async () => {
  await assert.rejects(
    groundTruthAnswer(
      scenario,
      { caseId: "C99", step: "F0_RECALL" },
      knowledge(),
    ),
    (error: Error) =>
      error instanceof GroundTruthError &&
      error.message ===
        "Cannot answer for case 'C99': scenario 'ptp-mock' has no such case",
  );
});
