import assert from "node:assert/strict";
import { applyStoreEffects } from "./store_effects.ts";
import { parseArtifact, type StepArtifact } from "./artifact_schemas.ts";
import type { RouteDecision } from "./heuristics.ts";
import type { PipelineStep } from "./step.ts";
import { MemoryStore } from "../store/memory_store.ts";
import type { Store } from "../store/store.ts";

function artifact(step: PipelineStep, data: unknown): StepArtifact {
  return {
    step,
    data: parseArtifact(step, data, { name: "test" }),
  } as StepArtifact;
}

function decision(ruleId: string): RouteDecision {
  return { ruleId, ruleName: ruleId, next: "DONE", explanation: "test" };
}

async function storeWithCases(n: number): Promise<Store> {
  const store = new MemoryStore({ now: () => new Date(0) });
  for (let i = 1; i <= n; i++) {
    await store.createCase({
      jobId: 1,
      launchId: 1,
      name: `test ${i}`,
      errorMessage: `error ${i}`,
    });
  }
  return store;
}

async function triage(store: Store, caseId: number, category = "product") {
  await applyStoreEffects(store, {
    caseId,
    artifact: artifact("F1_TRIAGE", { symptom_category: category }),
    decision: decision("H6"),
  });
}

async function investigate(
  store: Store,
  caseId: number,
  data: Record<string, unknown> = {},
  ruleId = "H9",
) {
  await applyStoreEffects(store, {
    caseId,
    artifact: artifact("F3_INVESTIGATE", {
      rca_message: `root cause of case ${caseId}`,
      defect_type: "pb001",
      component: "daemon",
      convergence_score: 0.9,
      evidence_refs: ["repo:file.go"],
      ...data,
    }),
    decision: decision(ruleId),
  });
}

async function rcaOf(store: Store, caseId: number): Promise<number> {
  return (await store.getCase(caseId))!.rcaId;
}

Deno.test("F1 creates a symptom per fingerprint and reuses it", async () => {
  const store = await storeWithCases(2);
  await triage(store, 1);
  await triage(store, 1); // re-triage of the same case does not recount
  const [symptom] = await store.listSymptoms();
  assert.equal(symptom.occurrenceCount, 1);
  assert.equal(symptom.name, "test 1");
  assert.equal(symptom.component, "");
  const case1 = (await store.getCase(1))!;
  assert.equal(case1.symptomId, symptom.id);
  assert.equal(case1.status, "triaged");
  assert.deepEqual((await store.getTriage(1))?.candidateRepos, []);
});

Deno.test("F3 creates one RCA per case, updated in place on loops", async () => {
  const store = await storeWithCases(1);
  await triage(store, 1);
  await investigate(store, 1, { convergence_score: 0.3 }, "H10");
  await investigate(store, 1, { convergence_score: 0.8, rca_message: "x" });
  const rcas = await store.listRcas();
  assert.equal(rcas.length, 1);
  assert.equal(rcas[0].description, "x");
  assert.equal(rcas[0].convergenceScore, 0.8);
  assert.deepEqual(rcas[0].evidenceRefs, ["repo:file.go"]);
  assert.equal(rcas[0].category, "product");
  assert.equal(rcas[0].originCaseId, 1);
  assert.equal(await rcaOf(store, 1), rcas[0].id);
  const links = await store.getRcasForSymptom(1);
  assert.equal(links.length, 1);
  assert.equal((await store.getSymptom(1))?.component, "daemon");
});

Deno.test("F3 titles are cut at 80 characters", async () => {
  const store = await storeWithCases(1);
  await investigate(store, 1, { rca_message: "a".repeat(100) });
  const [rca] = await store.listRcas();
  assert.equal(rca.title, `${"a".repeat(80)}...`);
  const empty = await storeWithCases(1);
  await investigate(empty, 1, { rca_message: "" });
  assert.equal((await empty.listRcas())[0].title, "RCA from investigation");
});

Deno.test("F3 exhausted by H11 is recorded as ti001", async () => {
  const store = await storeWithCases(1);
  await investigate(store, 1, { convergence_score: 0.2 }, "H11");
  assert.equal((await store.listRcas())[0].defectType, "ti001");
});

Deno.test("F0 links on any match, tentatively below the hit threshold (H3), and a later investigation replaces the link", async () => {
  const store = await storeWithCases(3);
  await triage(store, 1);
  await investigate(store, 1);
  const recall = (confidence: number, match = true) =>
    artifact("F0_RECALL", {
      match,
      confidence,
      prior_rca_id: 1,
      symptom_id: 1,
    });
  await applyStoreEffects(store, {
    caseId: 3,
    artifact: recall(0.9, false),
    decision: decision("H2"),
  });
  assert.equal(await rcaOf(store, 3), 0);
  await applyStoreEffects(store, {
    caseId: 2,
    artifact: recall(0.6),
    decision: decision("H3"),
  });
  const case2 = (await store.getCase(2))!;
  assert.equal(case2.rcaId, 1);
  assert.equal(case2.symptomId, 1);
  assert.equal((await store.getSymptom(1))?.occurrenceCount, 2);
  // A triage that goes on to investigate: the case's own RCA replaces the
  // tentative link, and the recalled RCA stays open for case 1.
  await triage(store, 2, "automation");
  await investigate(store, 2);
  assert.equal(await rcaOf(store, 2), 2);
  assert.equal((await store.getRca(1))?.status, "open");
  assert.equal(await rcaOf(store, 1), 1);
});

Deno.test("F0 keeps the tentative link when nothing replaces it (H3, then skip)", async () => {
  const store = await storeWithCases(2);
  await triage(store, 1);
  await investigate(store, 1);
  await applyStoreEffects(store, {
    caseId: 2,
    artifact: artifact("F0_RECALL", {
      match: true,
      confidence: 0.5,
      prior_rca_id: 1,
    }),
    decision: decision("H3"),
  });
  await triage(store, 2, "infra");
  await applyStoreEffects(store, {
    caseId: 2,
    artifact: artifact("F5_REVIEW", { decision: "approve" }),
    decision: decision("H12"),
  });
  assert.equal(await rcaOf(store, 2), 1);
});

Deno.test("an investigation drops the case's pending references", async () => {
  const store = await storeWithCases(2);
  await applyStoreEffects(store, {
    caseId: 2,
    artifact: artifact("F0_RECALL", {
      match: true,
      confidence: 0.5,
      same_as_case_id: 1,
    }),
    decision: decision("H3"),
  });
  assert.equal((await store.listPendingReferences()).length, 1);
  await investigate(store, 2);
  assert.deepEqual(await store.listPendingReferences(), []);
  await investigate(store, 1);
  assert.equal(await rcaOf(store, 2), 1);
  assert.equal(await rcaOf(store, 1), 2);
});

Deno.test("F0 ignores unknown ids and says so", async () => {
  const store = await storeWithCases(1);
  const { notes } = await applyStoreEffects(store, {
    caseId: 1,
    artifact: artifact("F0_RECALL", {
      match: true,
      confidence: 0.9,
      prior_rca_id: 7,
      symptom_id: 9,
    }),
    decision: decision("H1"),
  });
  assert.deepEqual(notes, [
    "symptom_id 9 names no symptom; ignored",
    "prior_rca_id 7 names no RCA; ignored",
  ]);
  assert.equal(await rcaOf(store, 1), 0);
});

Deno.test("F4 links a duplicate below the threshold tentatively; an accepted duplicate archives the own RCA", async () => {
  const store = await storeWithCases(2);
  await triage(store, 1);
  await investigate(store, 1);
  await triage(store, 2, "automation");
  await investigate(store, 2);
  const dup = (confidence: number) =>
    artifact("F4_CORRELATE", {
      is_duplicate: true,
      linked_rca_id: 1,
      confidence,
    });
  await applyStoreEffects(store, {
    caseId: 2,
    artifact: dup(0.6),
    decision: decision("H15b"),
  });
  assert.equal(await rcaOf(store, 2), 1);
  assert.equal((await store.getRca(2))?.status, "open");
  // A reassessment's investigation brings the case back to its own RCA.
  await investigate(store, 2, { rca_message: "second look" });
  assert.equal(await rcaOf(store, 2), 2);
  assert.equal((await store.getRca(2))?.description, "second look");
  assert.equal((await store.listRcas()).length, 2);
  await applyStoreEffects(store, {
    caseId: 2,
    artifact: dup(0.9),
    decision: decision("H15"),
  });
  assert.equal(await rcaOf(store, 2), 1);
  assert.equal((await store.getRca(2))?.status, "archived");
  assert.deepEqual(
    (await store.getRcasForSymptom(2)).map((l) => l.rcaId),
    [2, 1],
  );
});

Deno.test("F4 without is_duplicate links nothing", async () => {
  const store = await storeWithCases(2);
  await investigate(store, 1);
  await investigate(store, 2);
  await applyStoreEffects(store, {
    caseId: 2,
    artifact: artifact("F4_CORRELATE", {
      is_duplicate: false,
      linked_rca_id: 1,
      confidence: 0.95,
    }),
    decision: decision("H15b"),
  });
  assert.equal(await rcaOf(store, 2), 2);
});

Deno.test("a review decision other than approve, reassess or overturn changes nothing", async () => {
  const store = await storeWithCases(1);
  await investigate(store, 1);
  await applyStoreEffects(store, {
    caseId: 1,
    artifact: artifact("F5_REVIEW", { decision: "defer" }),
    decision: decision("FALLBACK"),
  });
  assert.equal((await store.getCase(1))?.status, "investigated");
});

Deno.test("a recall reference to a case without an RCA resolves when it gets one", async () => {
  const store = await storeWithCases(3);
  const refer = (caseId: number, target: number) =>
    applyStoreEffects(store, {
      caseId,
      artifact: artifact("F0_RECALL", {
        match: true,
        confidence: 0.95,
        same_as_case_id: target,
      }),
      decision: decision("H1"),
    });
  const first = await refer(2, 1);
  assert.deepEqual(first.notes, [
    "waiting for case 1 to be linked to an RCA",
  ]);
  await refer(3, 2); // a chain: 3 waits on 2, which waits on 1
  assert.equal((await store.listPendingReferences()).length, 2);
  await triage(store, 1);
  await investigate(store, 1);
  assert.equal(await rcaOf(store, 2), 1);
  assert.equal(await rcaOf(store, 3), 1);
  assert.equal((await store.getCase(2))!.symptomId, 1);
  assert.equal((await store.getCase(3))!.symptomId, 1);
  assert.equal((await store.getSymptom(1))?.occurrenceCount, 3);
  assert.deepEqual(await store.listPendingReferences(), []);
});

Deno.test("a reference to a case that has an RCA links at once", async () => {
  const store = await storeWithCases(2);
  await triage(store, 1);
  await investigate(store, 1);
  const { notes } = await applyStoreEffects(store, {
    caseId: 2,
    artifact: artifact("F4_CORRELATE", {
      is_duplicate: true,
      confidence: 0.9,
      same_as_case_id: 1,
    }),
    decision: decision("H15"),
  });
  assert.deepEqual(notes, []);
  assert.equal(await rcaOf(store, 2), 1);
});

Deno.test("a duplicate link moves cases that followed the superseded RCA", async () => {
  const store = await storeWithCases(3);
  await triage(store, 1);
  await investigate(store, 1);
  await triage(store, 2, "automation");
  await investigate(store, 2);
  // case 3 recalled case 2's RCA, then case 2 turns out a duplicate of case 1
  await applyStoreEffects(store, {
    caseId: 3,
    artifact: artifact("F0_RECALL", {
      match: true,
      confidence: 0.9,
      prior_rca_id: 2,
    }),
    decision: decision("H1"),
  });
  await applyStoreEffects(store, {
    caseId: 2,
    artifact: artifact("F4_CORRELATE", {
      is_duplicate: true,
      linked_rca_id: 1,
      confidence: 0.95,
    }),
    decision: decision("H15"),
  });
  assert.equal(await rcaOf(store, 3), 1);
});

Deno.test("references to itself or to unknown cases are ignored", async () => {
  const store = await storeWithCases(1);
  for (
    const [target, note] of [
      [1, "same_as_case_id 1 names the case itself; ignored"],
      [5, "same_as_case_id 5 names no case; ignored"],
    ] as const
  ) {
    const { notes } = await applyStoreEffects(store, {
      caseId: 1,
      artifact: artifact("F4_CORRELATE", {
        is_duplicate: true,
        confidence: 0.9,
        same_as_case_id: target,
      }),
      decision: decision("H15"),
    });
    assert.deepEqual(notes, [note]);
  }
});

Deno.test("an overturn rewrites the case's own RCA but forks a shared one", async () => {
  const store = await storeWithCases(2);
  await triage(store, 1);
  await investigate(store, 1);
  const overturn = artifact("F5_REVIEW", {
    decision: "overturn",
    human_override: { defect_type: "ab001", rca_message: "test bug" },
  });
  await applyStoreEffects(store, {
    caseId: 1,
    artifact: overturn,
    decision: decision("H14"),
  });
  let rcas = await store.listRcas();
  assert.equal(rcas.length, 1);
  assert.equal(rcas[0].defectType, "ab001");
  assert.equal(rcas[0].component, "daemon");
  assert.equal((await store.getCase(1))!.status, "reviewed");

  await applyStoreEffects(store, {
    caseId: 2,
    artifact: artifact("F0_RECALL", {
      match: true,
      confidence: 0.9,
      prior_rca_id: 1,
    }),
    decision: decision("H1"),
  });
  await applyStoreEffects(store, {
    caseId: 2,
    artifact: artifact("F5_REVIEW", {
      decision: "overturn",
      human_override: { defect_type: "si001", rca_message: "infra" },
    }),
    decision: decision("H14"),
  });
  rcas = await store.listRcas();
  assert.equal(rcas.length, 2);
  assert.equal(rcas[0].defectType, "ab001");
  assert.equal(rcas[1].defectType, "si001");
  assert.equal(await rcaOf(store, 2), 2);
  assert.equal(await rcaOf(store, 1), 1);
});

Deno.test("reassess leaves the store as it is", async () => {
  const store = await storeWithCases(1);
  await applyStoreEffects(store, {
    caseId: 1,
    artifact: artifact("F5_REVIEW", { decision: "reassess" }),
    decision: decision("H13"),
  });
  assert.equal((await store.getCase(1))!.status, "open");
});
