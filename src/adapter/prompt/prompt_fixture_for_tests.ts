/**
 * A realistic store for the prompt tests: a PTP run half-way through, with
 * cases at different steps, symptoms, RCAs (one archived) and links.
 *
 * @module
 */
import type { StepArtifact } from "../../pipeline/artifact_schemas.ts";
import type { PipelineStep } from "../../pipeline/step.ts";
import type { RepoConfig } from "../../scenario/scenario_schema.ts";
import { MemoryStore } from "../../store/memory_store.ts";
import type { Store } from "../../store/store.ts";
import type { PromptInput } from "./prompt_view.ts";

/** Test names; case 3 repeats case 1's test. */
export const HOLDOVER_TEST =
  "OCP-83297 Clock rides out a 120 s grandmaster outage in HOLDOVER";
/** A test name with characters HTML escaping would change. */
export const ODD_TEST = 'OCP-83304 <T-BC> ptp4l & phc2sys "lock" after reboot';

/** The workspace, including ground-truth fields that must never leak. */
export const WORKSPACE: readonly RepoConfig[] = [
  {
    name: "linuxptp-daemon-operator",
    path: "/src/linuxptp-daemon-operator",
    purpose: "PTP operator and per-node linuxptp daemon",
    branch: "release-4.21",
    relevant_to_rcas: ["R1", "GTRCA-SECRET-1"],
    is_red_herring: false,
  },
  {
    name: "ptp-test-framework",
    path: "",
    purpose: "Ginkgo end-to-end suites for PTP",
    branch: "main",
    relevant_to_rcas: ["R2"],
    is_red_herring: false,
  },
  {
    name: "sriov-network-operator",
    path: "",
    purpose: "Creates SR-IOV virtual functions on worker NICs",
    branch: "release-4.21",
    relevant_to_rcas: ["GTRCA-SECRET-9"],
    is_red_herring: true,
  },
];

/** Store ids of the fixture. */
export interface Fixture {
  readonly store: MemoryStore;
  /** Case 1: investigated, RCA #1, symptom #1. */
  readonly investigated: number;
  /** Case 2: its own RCA #2 was archived; now on RCA #3. */
  readonly relinked: number;
  /** Case 3: a fresh case, same test as case 1, at F0. */
  readonly fresh: number;
  /** Case 4: origin of RCA #3. */
  readonly framework: number;
  /** Case 5: investigated just now (own RCA #4), at F4; odd test name. */
  readonly correlating: number;
  /** Case 6: no error message, truncated log, not triaged. */
  readonly bare: number;
}

/** Builds the fixture store; the clock moves only when the fixture moves it. */
export async function buildFixture(): Promise<Fixture> {
  let now = new Date("2026-02-17T10:00:00Z");
  const at = (iso: string) => {
    now = new Date(iso);
  };
  const store = new MemoryStore({ now: () => now });
  await store.createSuite({ name: "ptp-mock" });
  const version = await store.createVersion("4.21");
  const pipeline = await store.createPipeline({
    suiteId: 1,
    versionId: version.id,
    name: "CI 4.21 [T-TSC]",
    status: "complete",
  });
  const launch = await store.createLaunch({
    pipelineId: pipeline.id,
    name: "Launch 4.21 [T-TSC]",
    status: "complete",
  });
  const job = await store.createJob({
    launchId: launch.id,
    name: "[T-TSC]",
    status: "complete",
  });
  const newCase = async (
    name: string,
    errorMessage: string,
    logSnippet: string,
    logTruncated = false,
  ) =>
    (await store.createCase({
      jobId: job.id,
      launchId: launch.id,
      name,
      errorMessage,
      logSnippet,
      logTruncated,
    })).id;

  const investigated = await newCase(
    HOLDOVER_TEST,
    "ptp4l on ens2f0: clock state FREERUN after 61s, expected HOLDOVER",
    "linuxptp-daemon: holdover window of 60s elapsed\nclock state HOLDOVER -> FREERUN",
  );
  const relinked = await newCase(
    "OCP-83299 PtpConfig is cleaned up between suites",
    "AfterSuite: PtpConfig 'test-bc' still present",
    "e2e: AfterSuite cleanup skipped",
  );
  const fresh = await newCase(
    HOLDOVER_TEST,
    "ptp4l on ens3f0: clock state FREERUN after 60s, expected HOLDOVER",
    "linuxptp-daemon: holdover window of 60s elapsed",
  );
  const framework = await newCase(
    "OCP-83300 T-BC profile applies cleanly",
    "PtpConfig 'test-bc' already exists\nsecond line of the error",
    "e2e: create PtpConfig test-bc: AlreadyExists",
  );
  const correlating = await newCase(
    ODD_TEST,
    "phc2sys: offset ```stuck``` at 1e9 ns after reboot",
    "ptp4l[9]: selected best master clock",
  );
  const bare = await newCase("OCP-83305 Node reboot keeps lock", "", "", true);

  // Symptoms: #1 and #2 share case 1's test name; #1 is seen more often.
  at("2026-02-17T10:01:00Z");
  const s1 = await store.createSymptom({
    fingerprint: "aaaa000000000001",
    name: HOLDOVER_TEST,
    errorPattern: "clock state FREERUN after 61s | expected HOLDOVER",
    component: "linuxptp-daemon",
  });
  at("2026-02-17T10:02:00Z");
  const s2 = await store.createSymptom({
    fingerprint: "aaaa000000000002",
    name: HOLDOVER_TEST,
    errorPattern: "a different holdover failure",
  });
  const s3 = await store.createSymptom({
    fingerprint: "aaaa000000000003",
    name: "OCP-83299 PtpConfig is cleaned up between suites",
    errorPattern: "AfterSuite: PtpConfig 'test-bc' still present",
  });
  const s4 = await store.createSymptom({
    fingerprint: "aaaa000000000004",
    name: ODD_TEST,
    errorPattern: "phc2sys: offset stuck",
    status: "dormant",
  });
  at("2026-02-17T10:05:00Z");
  await store.updateSymptomSeen(s1.id); // occurrences 2, last seen 10:05

  // RCAs: #1 (case 1), #2 (case 2, archived), #3 (case 4), #4 (case 5's own).
  const r1 = await store.saveRca({
    title: "Holdover timeout rendered as 60s instead of 300s",
    description:
      "pkg/daemon/config.go renders holdover_timeout=60.\nThe clock leaves HOLDOVER early.",
    defectType: "pb001",
    component: "linuxptp-daemon",
    affectedVersions: ["4.20", "4.21"],
    evidenceRefs: ["linuxptp-daemon-operator:pkg/daemon/config.go:abc1234"],
    convergenceScore: 0.85,
    originCaseId: investigated,
  });
  const r2 = await store.saveRca({
    title: "Superseded cleanup theory",
    description: "An early, superseded analysis.",
    defectType: "ab001",
    originCaseId: relinked,
  });
  await store.updateRcaStatus(r2.id, "archived");
  const r3 = await store.saveRca({
    title: "AfterSuite does not delete PtpConfig fixtures",
    description: "ptp_config_test.go AfterSuite returns early.",
    defectType: "ab001",
    component: "ptp-test-framework",
    evidenceRefs: ["ptp-test-framework:test/e2e/ptp_config_test.go:AfterSuite"],
    convergenceScore: 0.9,
    jiraTicketId: "OCPBUGS-1002",
    originCaseId: framework,
  });
  const r4 = await store.saveRca({
    title: "phc2sys offset stuck after reboot",
    description: "phc2sys keeps a stale offset after the node reboots.",
    defectType: "pb001",
    component: "linuxptp-daemon",
    convergenceScore: 0.8,
    originCaseId: correlating,
  });

  await store.linkCaseToSymptom(investigated, s1.id);
  await store.linkCaseToRca(investigated, r1.id);
  await store.updateCaseStatus(investigated, "reviewed");
  await store.linkSymptomToRca({
    symptomId: s1.id,
    rcaId: r1.id,
    confidence: 0.85,
    notes: "linked from F3 investigation",
  });
  await store.linkSymptomToRca({
    symptomId: s1.id,
    rcaId: r2.id,
    confidence: 0.5,
    notes: "linked from F3 investigation",
  });

  await store.linkCaseToSymptom(relinked, s3.id);
  await store.linkCaseToRca(relinked, r3.id);
  await store.linkSymptomToRca({
    symptomId: s3.id,
    rcaId: r2.id,
    confidence: 0.6,
    notes: "linked from F3 investigation",
  });
  await store.linkSymptomToRca({
    symptomId: s3.id,
    rcaId: r3.id,
    confidence: 0.9,
    notes: "linked from F4 correlation",
  });
  await store.linkCaseToRca(framework, r3.id);
  await store.updateCaseStatus(framework, "investigated");

  await store.linkCaseToSymptom(correlating, s4.id);
  await store.linkCaseToRca(correlating, r4.id);
  await store.updateCaseStatus(correlating, "investigated");
  await store.linkSymptomToRca({
    symptomId: s4.id,
    rcaId: r4.id,
    confidence: 0.8,
    notes: "linked from F3 investigation",
  });
  await store.linkSymptomToRca({
    symptomId: s4.id,
    rcaId: r1.id,
    confidence: 0.7,
    notes: "linked from F4 correlation",
  });
  await store.saveTriage({
    caseId: correlating,
    symptomCategory: "assertion",
    severity: "critical",
    defectTypeHypothesis: "pb001",
    skipInvestigation: false,
    clockSkewSuspected: false,
    cascadeSuspected: false,
    candidateRepos: ["linuxptp-daemon-operator"],
    dataQualityNotes: "",
  });
  void s2;
  return { store, investigated, relinked, fresh, framework, correlating, bare };
}

/** Artifacts of case 5 up to its investigation. */
export const CORRELATING_ARTIFACTS: readonly StepArtifact[] = [
  {
    step: "F0_RECALL",
    data: {
      match: false,
      prior_rca_id: 0,
      symptom_id: 0,
      confidence: 0.1,
      reasoning: "no stored symptom matches",
      is_regression: false,
      same_as_case_id: 0,
    },
  },
  {
    step: "F1_TRIAGE",
    data: {
      symptom_category: "assertion",
      severity: "critical",
      defect_type_hypothesis: "pb001",
      candidate_repos: ["linuxptp-daemon-operator", "ptp-test-framework"],
      skip_investigation: false,
      clock_skew_suspected: true,
      cascade_suspected: true,
      data_quality_notes: "node clock and runner clock differ by 3s",
    },
  },
  {
    step: "F2_RESOLVE",
    data: {
      selected_repos: [{
        name: "linuxptp-daemon-operator",
        path: "",
        focus_paths: ["pkg/daemon", "pkg/config"],
        branch: "",
        reason: "phc2sys is started by the daemon",
      }],
      cross_ref_strategy: "follow the offset from phc2sys back to the profile",
    },
  },
  {
    step: "F3_INVESTIGATE",
    data: {
      launch_id: "",
      case_ids: [5],
      rca_message: "first attempt: unclear",
      defect_type: "ti001",
      component: "",
      convergence_score: 0.4,
      evidence_refs: [],
    },
  },
  {
    step: "F3_INVESTIGATE",
    data: {
      launch_id: "",
      case_ids: [5],
      rca_message: "phc2sys keeps a stale offset after the node reboots.",
      defect_type: "pb001",
      component: "linuxptp-daemon",
      convergence_score: 0.8,
      evidence_refs: ["linuxptp-daemon-operator:pkg/daemon/phc2sys.go:restart"],
    },
  },
  {
    step: "F4_CORRELATE",
    data: {
      is_duplicate: true,
      linked_rca_id: 1,
      confidence: 0.6,
      reasoning: "same daemon, different mechanism",
      cross_version_match: true,
      affected_versions: ["4.21", "4.22"],
      same_as_case_id: 0,
    },
  },
  {
    step: "F5_REVIEW",
    data: { decision: "approve" },
  },
];

/** Prompt input for `caseId` at `step`, with the fixture's defaults. */
export function inputFor(
  fixture: { readonly store: Store },
  caseId: number,
  step: PipelineStep,
  overrides: Partial<Omit<PromptInput, "store" | "step" | "storeCaseId">> = {},
): PromptInput {
  return {
    store: fixture.store,
    step,
    storeCaseId: caseId,
    versionLabel: "4.21",
    jobName: "[T-TSC]",
    workspace: WORKSPACE,
    artifacts: [],
    investigateLoops: 0,
    artifactPath: `/run/1/${caseId}/artifact.json`,
    promptPath: `/run/1/${caseId}/prompt.md`,
    ...overrides,
  };
}
