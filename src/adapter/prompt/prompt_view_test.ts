import assert from "node:assert/strict";
import { MemoryStore } from "../../store/memory_store.ts";
import type { StepArtifact } from "../../pipeline/artifact_schemas.ts";
import { buildPromptView, TAXONOMY } from "./prompt_view.ts";
import {
  buildFixture,
  CORRELATING_ARTIFACTS,
  HOLDOVER_TEST,
  inputFor,
  ODD_TEST,
  WORKSPACE,
} from "./prompt_fixture_for_tests.ts";

Deno.test("buildPromptView() shows the failure and header facts of the case", async () => {
  const fixture = await buildFixture();
  const view = await buildPromptView(
    inputFor(fixture, fixture.fresh, "F0_RECALL", {
      artifactPath: "/run/1/3/recall-result.json",
    }),
  );
  assert.equal(view.caseId, fixture.fresh);
  assert.equal(view.step, "F0_RECALL");
  assert.equal(view.stepShort, "F0");
  assert.equal(view.family, "recall");
  assert.equal(view.artifactFile, "recall-result.json");
  assert.equal(view.versionLabel, "4.21");
  assert.equal(view.jobName, "[T-TSC]");
  assert.equal(view.failure.testName, HOLDOVER_TEST);
  assert.equal(view.failure.status, "open");
  assert.equal(view.failure.hasErrorMessage, true);
  assert.equal(
    view.failure.errorBlock,
    "```text\nptp4l on ens3f0: clock state FREERUN after 60s, expected HOLDOVER\n```",
  );
  assert.equal(view.failure.logTruncated, false);
  assert.deepEqual(view.taxonomy.map((t) => t.code), [
    "pb001",
    "ab001",
    "si001",
    "nd001",
    "ti001",
  ]);
});

Deno.test("buildPromptView() names the loop artifact file from the artifact path", async () => {
  const fixture = await buildFixture();
  const view = await buildPromptView(
    inputFor(fixture, fixture.correlating, "F3_INVESTIGATE", {
      artifactPath: "/run/1/5/artifact-loop-1.json",
    }),
  );
  assert.equal(view.artifactFile, "artifact-loop-1.json");
});

Deno.test("buildPromptView() fences an error message longer than its backtick runs", async () => {
  const fixture = await buildFixture();
  const view = await buildPromptView(
    inputFor(fixture, fixture.correlating, "F1_TRIAGE"),
  );
  assert.equal(
    view.failure.errorBlock,
    "````text\nphc2sys: offset ```stuck``` at 1e9 ns after reboot\n````",
  );
});

Deno.test("buildPromptView() marks a missing error message, missing log and truncation", async () => {
  const fixture = await buildFixture();
  const view = await buildPromptView(
    inputFor(fixture, fixture.bare, "F1_TRIAGE"),
  );
  assert.equal(view.failure.hasErrorMessage, false);
  assert.equal(view.failure.errorBlock, "");
  assert.equal(view.failure.hasLogSnippet, false);
  assert.equal(view.failure.logTruncated, true);
});

Deno.test("buildPromptView() at F0 picks the test-name candidate seen most often, with its live RCAs", async () => {
  const fixture = await buildFixture();
  const view = await buildPromptView(
    inputFor(fixture, fixture.fresh, "F0_RECALL"),
  );
  // Symptoms #1 (2 occurrences) and #2 (1) share the test name.
  assert.equal(view.history.symptom?.id, 1);
  assert.equal(view.history.isCandidate, true);
  assert.equal(view.history.symptom?.occurrenceCount, 2);
  assert.equal(view.history.symptom?.lastSeenAt, "2026-02-17T10:05:00Z");
  // RCA #2 is linked too but archived.
  assert.deepEqual(view.history.priorRcas.map((r) => r.id), [1]);
  assert.equal(view.history.symptom?.linkedRcas, "RCA #1");
  const [rca] = view.history.priorRcas;
  assert.equal(rca.defectType, "pb001");
  assert.equal(rca.defectTypeName, "Product Bug");
  assert.equal(rca.affectedVersions, "4.20, 4.21");
  assert.equal(rca.convergence, "0.85");
  assert.equal(rca.linkedCases, "#1");
  // A `|` in table text is escaped.
  assert.equal(
    view.history.symptom?.errorPattern,
    "clock state FREERUN after 61s \\| expected HOLDOVER",
  );
});

Deno.test("buildPromptView() breaks an occurrence tie by the later last-seen time", async () => {
  let now = new Date("2026-03-01T08:00:00Z");
  const store = new MemoryStore({ now: () => now });
  const c = await store.createCase({ jobId: 1, launchId: 1, name: "T" });
  await store.createSymptom({ fingerprint: "f1", name: "T" });
  now = new Date("2026-03-01T09:00:00Z");
  await store.createSymptom({ fingerprint: "f2", name: "T" });
  now = new Date("2026-03-01T07:00:00Z");
  await store.createSymptom({ fingerprint: "f3", name: "T" });
  const view = await buildPromptView(inputFor({ store }, c.id, "F0_RECALL"));
  assert.equal(view.history.symptom?.id, 2);
});

Deno.test("buildPromptView() looks up candidates by test name only at F0", async () => {
  const fixture = await buildFixture();
  const view = await buildPromptView(
    inputFor(fixture, fixture.fresh, "F1_TRIAGE"),
  );
  assert.equal(view.history.symptom, null);
  assert.equal(view.history.isCandidate, false);
  assert.deepEqual(view.history.priorRcas, []);
});

Deno.test("buildPromptView() uses the case's own symptom over a more frequent candidate", async () => {
  const fixture = await buildFixture();
  await fixture.store.linkCaseToSymptom(fixture.fresh, 2);
  const view = await buildPromptView(
    inputFor(fixture, fixture.fresh, "F0_RECALL"),
  );
  assert.equal(view.history.symptom?.id, 2);
  assert.equal(view.history.isCandidate, false);
  assert.equal(view.history.hasPriorRcas, false);
  assert.equal(view.history.symptom?.linkedRcas, "none");
});

Deno.test("buildPromptView() lists every symptom of the run with its live RCA ids", async () => {
  const fixture = await buildFixture();
  const view = await buildPromptView(
    inputFor(fixture, fixture.fresh, "F0_RECALL"),
  );
  assert.deepEqual(
    view.knownSymptoms.map((s) => [s.id, s.linkedRcas, s.status]),
    [
      [1, "RCA #1", "active"],
      [2, "none", "active"],
      [3, "RCA #3", "active"],
      [4, "RCA #1, RCA #4", "dormant"],
    ],
  );
  assert.equal(view.knownSymptoms[3].isDormant, true);
});

Deno.test("buildPromptView() lists the other cases by id with their links", async () => {
  const fixture = await buildFixture();
  const view = await buildPromptView(
    inputFor(fixture, fixture.fresh, "F0_RECALL", {
      caseVersions: new Map([[1, "4.20"], [2, "4.21"]]),
    }),
  );
  assert.deepEqual(
    view.otherCases.map((c) => [c.id, c.rca, c.symptom, c.status]),
    [
      [1, "RCA #1", "symptom #1", "reviewed"],
      [2, "RCA #3", "symptom #3", "open"],
      [4, "RCA #3", "no symptom", "investigated"],
      [5, "RCA #4", "symptom #4", "investigated"],
      [6, "no RCA", "no symptom", "open"],
    ],
  );
  assert.equal(view.otherCases[0].version, "4.20");
  assert.equal(view.otherCases[0].hasVersion, true);
  assert.equal(view.otherCases[2].hasVersion, false);
  // Only the first error line, and a placeholder when there is none.
  assert.equal(
    view.otherCases[2].errorHead,
    "PtpConfig 'test-bc' already exists",
  );
  assert.equal(view.otherCases[4].errorHead, "(none)");
  // Only cases without an RCA can be named by same_as_case_id.
  assert.deepEqual(view.pendingCases.map((c) => c.id), [6]);
  assert.deepEqual(view.otherCases.map((c) => c.isOpen), [
    false,
    true,
    false,
    false,
    true,
  ]);
  assert.equal(view.hasPendingCases, true);
});

Deno.test("buildPromptView() groups the other cases by test name, marking this case's test", async () => {
  const fixture = await buildFixture();
  const view = await buildPromptView(
    inputFor(fixture, fixture.bare, "F1_TRIAGE"),
  );
  assert.deepEqual(
    view.otherCaseGroups.map((g) => [
      g.testName,
      g.isThisTest,
      g.cases.map((c) => c.id),
    ]),
    [
      [HOLDOVER_TEST, false, [1, 3]],
      ["OCP-83299 PtpConfig is cleaned up between suites", false, [2]],
      ["OCP-83300 T-BC profile applies cleanly", false, [4]],
      [ODD_TEST, false, [5]],
    ],
  );
  assert.deepEqual(
    view.pendingCaseGroups.map((g) => [g.testName, g.cases.map((c) => c.id)]),
    [[HOLDOVER_TEST, [3]]],
  );
  const fresh = await buildPromptView(
    inputFor(fixture, fixture.fresh, "F1_TRIAGE"),
  );
  assert.deepEqual(
    fresh.otherCaseGroups.filter((g) => g.isThisTest).map((g) =>
      g.cases.map((c) => c.id)
    ),
    [[1]],
  );
});

Deno.test("buildPromptView() cuts an error head to 72 characters after a [FAILED] tag", async () => {
  const store = new MemoryStore();
  const long = "[FAILED] " + "x".repeat(100);
  const self = await store.createCase({ jobId: 1, launchId: 1, name: "T1" });
  await store.createCase({
    jobId: 1,
    launchId: 1,
    name: "T2",
    errorMessage: `${long}\nsecond line`,
  });
  await store.createCase({
    jobId: 1,
    launchId: 1,
    name: "T3",
    errorMessage: "[PANICKED] short",
  });
  const view = await buildPromptView(inputFor({ store }, self.id, "F1_TRIAGE"));
  assert.equal(view.otherCases[0].errorHead, `${"x".repeat(72)}…`);
  assert.equal(view.otherCases[1].errorHead, "[PANICKED] short");
});

Deno.test("buildPromptView() tells when the error message ends the log", async () => {
  const store = new MemoryStore();
  const error = "[FAILED] clock FREERUN after 60s";
  const ends = await store.createCase({
    jobId: 1,
    launchId: 1,
    name: "T1",
    errorMessage: error,
    logSnippet: `10:00 daemon: holdover elapsed\n10:01 e2e: ${error}\n`,
  });
  const inside = await store.createCase({
    jobId: 1,
    launchId: 1,
    name: "T2",
    errorMessage: error,
    logSnippet: `10:01 e2e: ${error}\n10:02 e2e: cleanup`,
  });
  const multiline = await store.createCase({
    jobId: 1,
    launchId: 1,
    name: "T3",
    errorMessage: `${error}\nmore`,
    logSnippet: `${error}\nmore`,
  });
  const flag = async (id: number) =>
    (await buildPromptView(inputFor({ store }, id, "F1_TRIAGE"))).failure
      .errorEndsLog;
  assert.equal(await flag(ends.id), true);
  assert.equal(await flag(inside.id), false);
  assert.equal(await flag(multiline.id), false);
});

Deno.test("buildPromptView() marks titles, investigation restatements and the report guidance", async () => {
  const fixture = await buildFixture();
  const view = await buildPromptView(
    inputFor(fixture, fixture.correlating, "F6_REPORT", {
      artifacts: CORRELATING_ARTIFACTS,
    }),
  );
  // RCA #4's description is the latest F3 statement, word for word.
  assert.equal(view.caseRcaIsInvestigation, true);
  assert.equal(view.caseRca?.hasDistinctTitle, true);
  assert.equal(view.caseRca?.evidenceText, "none");
  assert.equal(view.caseRca?.hasAffectedVersions, false);
  assert.equal(
    view.prior.investigate?.evidenceText,
    "linuxptp-daemon-operator:pkg/daemon/phc2sys.go:restart",
  );
  assert.deepEqual(view.reportTaxonomy.map((t) => t.code), ["pb001"]);
  assert.equal(view.knownRcas[0].hasAffectedVersions, true);

  const investigated = await buildPromptView(
    inputFor(fixture, fixture.investigated, "F5_REVIEW"),
  );
  assert.equal(investigated.caseRcaIsInvestigation, false);
  // A case closed without an RCA or triage gets every guidance entry.
  const bare = await buildPromptView(
    inputFor(fixture, fixture.bare, "F6_REPORT"),
  );
  assert.equal(bare.reportTaxonomy.length, TAXONOMY.length);

  const store = new MemoryStore();
  const c = await store.createCase({ jobId: 1, launchId: 1, name: "T" });
  const rca = await store.saveRca({
    title:
      "daemon renders the holdover timeout as 60s instead of 300s, so th...",
    description:
      "daemon renders the holdover timeout as 60s instead of 300s, so the clock leaves HOLDOVER early.",
    defectType: "pb001",
  });
  await store.linkCaseToRca(c.id, rca.id);
  const cut = await buildPromptView(inputFor({ store }, c.id, "F6_REPORT"));
  assert.equal(cut.caseRca?.hasDistinctTitle, false);
});

Deno.test("buildPromptView() leaves the case's own and archived RCAs out of the known RCAs", async () => {
  const fixture = await buildFixture();
  const view = await buildPromptView(
    inputFor(fixture, fixture.correlating, "F4_CORRELATE", {
      artifacts: CORRELATING_ARTIFACTS.slice(0, 5),
      caseVersions: new Map([[1, "4.20"], [2, "4.21"], [4, "4.22"]]),
    }),
  );
  // #2 is archived, #4 is case 5's own.
  assert.deepEqual(view.knownRcas.map((r) => r.id), [1, 3]);
  assert.deepEqual(view.history.priorRcas.map((r) => r.id), [1]);
  assert.equal(view.history.symptom?.linkedRcas, "RCA #1");
  assert.equal(view.knownRcas[1].linkedCases, "#2, #4");
  assert.equal(view.knownRcas[1].caseVersions, "4.21, 4.22");
  assert.equal(view.knownRcas[1].hasJira, true);
  assert.equal(view.caseRca?.id, 4);
  assert.equal(view.caseRca?.caseVersions, "4.21");
});

Deno.test("buildPromptView() uses the latest artifact of each step", async () => {
  const fixture = await buildFixture();
  const view = await buildPromptView(
    inputFor(fixture, fixture.correlating, "F5_REVIEW", {
      artifacts: CORRELATING_ARTIFACTS,
    }),
  );
  assert.equal(view.prior.recall?.match, false);
  assert.equal(view.prior.recall?.confidence, "0.1");
  assert.equal(
    view.prior.triage?.candidateRepos,
    "linuxptp-daemon-operator, ptp-test-framework",
  );
  assert.equal(view.prior.triage?.cascadeSuspected, true);
  assert.equal(view.prior.resolve?.repoNames, "linuxptp-daemon-operator");
  // The second F3 artifact wins over the first.
  assert.equal(view.prior.investigate?.convergence, "0.8");
  assert.equal(view.prior.investigate?.component, "linuxptp-daemon");
  assert.deepEqual(view.prior.investigate?.evidenceRefs, [
    "linuxptp-daemon-operator:pkg/daemon/phc2sys.go:restart",
  ]);
  assert.equal(view.prior.correlate?.linkedRcaId, 1);
  assert.equal(view.prior.correlate?.affectedVersions, "4.21, 4.22");
});

Deno.test("buildPromptView() falls back to the store's triage row without an F1 artifact", async () => {
  const fixture = await buildFixture();
  const view = await buildPromptView(
    inputFor(fixture, fixture.correlating, "F2_RESOLVE"),
  );
  assert.equal(view.prior.triage?.symptomCategory, "assertion");
  assert.equal(view.prior.triage?.candidateRepos, "linuxptp-daemon-operator");
  assert.equal(view.prior.recall, null);
  assert.equal(view.prior.resolve, null);
});

Deno.test("buildPromptView() scopes F3 to the F2 selection, filling path and branch from the workspace", async () => {
  const fixture = await buildFixture();
  const view = await buildPromptView(
    inputFor(fixture, fixture.correlating, "F3_INVESTIGATE", {
      artifacts: CORRELATING_ARTIFACTS.slice(0, 3),
    }),
  );
  assert.equal(view.investigation.fromResolve, true);
  assert.equal(view.investigation.fromTriage, false);
  assert.deepEqual(view.investigation.selectedRepos, [{
    name: "linuxptp-daemon-operator",
    path: "/src/linuxptp-daemon-operator",
    hasPath: true,
    branch: "release-4.21",
    purpose: "PTP operator and per-node linuxptp daemon",
    focusPaths: "pkg/daemon, pkg/config",
    hasFocusPaths: true,
    reason: "phc2sys is started by the daemon",
  }]);
  assert.equal(view.investigation.hasCrossRefStrategy, true);
});

Deno.test("buildPromptView() scopes F3 to the triage candidates when F2 was skipped or is older", async () => {
  const fixture = await buildFixture();
  const single: StepArtifact = {
    step: "F1_TRIAGE",
    data: {
      ...(CORRELATING_ARTIFACTS[1].data as Record<string, unknown>),
      candidate_repos: ["ptp-test-framework"],
    } as Extract<StepArtifact, { step: "F1_TRIAGE" }>["data"],
  };
  // A reassessment re-ran triage after the old F2.
  const view = await buildPromptView(
    inputFor(fixture, fixture.correlating, "F3_INVESTIGATE", {
      artifacts: [...CORRELATING_ARTIFACTS.slice(0, 3), single],
    }),
  );
  assert.equal(view.investigation.fromResolve, false);
  assert.equal(view.investigation.fromTriage, true);
  assert.deepEqual(
    view.investigation.selectedRepos.map((r) => [r.name, r.path, r.branch]),
    [["ptp-test-framework", "(no local path)", "main"]],
  );
  assert.equal(
    view.investigation.selectedRepos[0].reason,
    "the only candidate repository named by triage",
  );
});

Deno.test("buildPromptView() sets the loop retry only after an investigation loop", async () => {
  const fixture = await buildFixture();
  const first = await buildPromptView(
    inputFor(fixture, fixture.correlating, "F2_RESOLVE", {
      artifacts: CORRELATING_ARTIFACTS.slice(0, 4),
    }),
  );
  assert.equal(first.loopRetry, null);
  const retry = await buildPromptView(
    inputFor(fixture, fixture.correlating, "F2_RESOLVE", {
      artifacts: CORRELATING_ARTIFACTS.slice(0, 4),
      investigateLoops: 1,
    }),
  );
  assert.equal(retry.loopRetry?.loops, 1);
  assert.equal(retry.loopRetry?.previous?.convergence, "0.4");
  assert.equal(retry.loopRetry?.previous?.rcaMessage, "first attempt: unclear");
});

Deno.test("buildPromptView() copies only name, path, purpose and branch of the workspace", async () => {
  const fixture = await buildFixture();
  const view = await buildPromptView(
    inputFor(fixture, fixture.fresh, "F1_TRIAGE"),
  );
  assert.deepEqual(view.workspace.repos, [
    {
      name: "linuxptp-daemon-operator",
      path: "/src/linuxptp-daemon-operator",
      hasPath: true,
      purpose: "PTP operator and per-node linuxptp daemon",
      branch: "release-4.21",
    },
    {
      name: "ptp-test-framework",
      path: "(no local path)",
      hasPath: false,
      purpose: "Ginkgo end-to-end suites for PTP",
      branch: "main",
    },
    {
      name: "sriov-network-operator",
      path: "(no local path)",
      hasPath: false,
      purpose: "Creates SR-IOV virtual functions on worker NICs",
      branch: "release-4.21",
    },
  ]);
  const json = JSON.stringify(view);
  for (const secret of ["relevant_to_rcas", "is_red_herring", "GTRCA-SECRET"]) {
    assert.equal(json.includes(secret), false, secret);
  }
  assert.equal(WORKSPACE[2].is_red_herring, true);
});

Deno.test("buildPromptView() gives the same view for the same state", async () => {
  const a = await buildFixture();
  const b = await buildFixture();
  const first = await buildPromptView(
    inputFor(a, a.correlating, "F4_CORRELATE", {
      artifacts: CORRELATING_ARTIFACTS,
    }),
  );
  const second = await buildPromptView(
    inputFor(b, b.correlating, "F4_CORRELATE", {
      artifacts: CORRELATING_ARTIFACTS,
    }),
  );
  assert.deepEqual(first, second);
  assert.deepEqual(TAXONOMY.map((t) => [t.code, t.category]), [
    ["pb001", "product"],
    ["ab001", "automation"],
    ["si001", "infra"],
    ["nd001", "flake"],
    ["ti001", "unknown"],
  ]);
});

Deno.test("buildPromptView() rejects an unknown case", async () => {
  const fixture = await buildFixture();
  await assert.rejects(
    buildPromptView(inputFor(fixture, 99, "F0_RECALL")),
    (error) =>
      error instanceof RangeError && /no case has id 99/.test(error.message),
  );
});
