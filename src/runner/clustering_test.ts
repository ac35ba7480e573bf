import assert from "node:assert/strict";
import { clusterCases, clusterKey } from "./clustering.ts";
import { parseArtifact } from "../pipeline/artifact_schemas.ts";

function triage(data: Record<string, unknown>) {
  return parseArtifact("F1_TRIAGE", data, { name: "test" });
}

Deno.test("clusterKey normalises category, first repo and hypothesis", () => {
  assert.equal(
    clusterKey({
      caseId: "C1",
      triage: triage({
        symptom_category: " Product ",
        candidate_repos: ["Repo-A", "repo-b"],
        defect_type_hypothesis: "PB001 ",
      }),
    }),
    "product|repo-a|pb001",
  );
  assert.equal(
    clusterKey({ caseId: "C2", triage: triage({ symptom_category: "infra" }) }),
    "infra||",
  );
  assert.equal(clusterKey({ caseId: "C3" }), "singleton|C3");
});

Deno.test("clusterCases groups by key in encounter order", () => {
  const product = triage({
    symptom_category: "product",
    candidate_repos: ["daemon"],
    defect_type_hypothesis: "pb001",
  });
  const automation = triage({
    symptom_category: "automation",
    candidate_repos: ["tests"],
    defect_type_hypothesis: "ab001",
  });
  const clusters = clusterCases([
    { caseId: "C1", triage: product },
    { caseId: "C4", triage: automation },
    { caseId: "C7" },
    { caseId: "C10", triage: product },
    { caseId: "C12", triage: automation },
  ]);
  assert.deepEqual(clusters, [
    {
      key: "product|daemon|pb001",
      representative: "C1",
      members: ["C1", "C10"],
    },
    {
      key: "automation|tests|ab001",
      representative: "C4",
      members: ["C4", "C12"],
    },
    { key: "singleton|C7", representative: "C7", members: ["C7"] },
  ]);
  assert.deepEqual(clusterCases([]), []);
});
