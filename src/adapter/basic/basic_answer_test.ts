import assert from "node:assert/strict";
import { basicAnswer } from "./basic_answer.ts";
import type { BasicRequest, FailureInput } from "./basic_request.ts";
import { SignatureIndex } from "./basic_request.ts";

const WORKSPACE = [
  {
    name: "ptp-operator",
    path: "/src/ptp-operator",
    purpose: "PTP operator and daemon: ptp4l clock state, holdover",
    branch: "main",
  },
  {
    name: "e2e-tests",
    path: "/src/e2e",
    purpose: "Ginkgo end-to-end test suites, fixtures and teardown",
    branch: "main",
  },
  {
    name: "lab-config",
    path: "/src/lab",
    purpose: "CI lab cluster configuration: NTP sources, node networking",
    branch: "main",
  },
  {
    name: "other-operator",
    path: "/src/other",
    purpose: "Network operator (NOT PTP-related)",
    branch: "main",
  },
];

function failure(errorMessage: string, logSnippet = ""): FailureInput {
  return {
    caseId: "C1",
    testName: "PTP test",
    errorMessage,
    logSnippet,
    version: "4.21",
    job: "tsc",
  };
}

function request(
  step: BasicRequest["step"],
  f: FailureInput,
  more: Partial<BasicRequest> = {},
): BasicRequest {
  return {
    step,
    failure: f,
    attempt: 0,
    rcaId: 0,
    similar: [],
    workspace: WORKSPACE,
    ...more,
  };
}

Deno.test("basic triage classifies by keywords of the error and log", () => {
  const cases: [string, string, string, boolean][] = [
    [
      "ptp4l clock state FREERUN after 60s, expected holdover",
      "product",
      "pb001",
      false,
    ],
    ["NTP sources unreachable on worker-0", "infra", "si001", true],
    ["offset did not settle (intermittent)", "flake", "nd001", true],
    ["PtpConfig stale: suite has no teardown", "automation", "ab001", false],
  ];
  for (const [error, category, defect, skip] of cases) {
    const answer = basicAnswer(request("F1_TRIAGE", failure(error)));
    assert.equal(answer.symptom_category, category, error);
    assert.equal(answer.defect_type_hypothesis, defect, error);
    assert.equal(answer.skip_investigation, skip, error);
  }
});

Deno.test("basic triage picks repositories by purpose and never a disclaimed one", () => {
  const product = basicAnswer(
    request("F1_TRIAGE", failure("ptp4l clock state FREERUN, holdover lost")),
  );
  assert.deepEqual(product.candidate_repos, ["ptp-operator"]);
  const automation = basicAnswer(
    request("F1_TRIAGE", failure("fixture left behind: no teardown")),
  );
  assert.deepEqual(automation.candidate_repos, ["e2e-tests"]);
  const resolve = basicAnswer(
    request("F2_RESOLVE", failure("network operator PTP clock holdover")),
  );
  const names = (resolve.selected_repos as { name: string }[]).map((r) =>
    r.name
  );
  assert.ok(!names.includes("other-operator"), names.join());
});

Deno.test("basic recall hits an earlier similar case's RCA, else misses", () => {
  const f = failure("ptp4l clock state FREERUN");
  assert.equal(basicAnswer(request("F0_RECALL", f)).match, false);
  const hit = basicAnswer(
    request("F0_RECALL", f, {
      similar: [
        { storeCaseId: 1, symptomId: 0, rcaId: 0 },
        { storeCaseId: 2, symptomId: 4, rcaId: 3 },
      ],
    }),
  );
  assert.equal(hit.match, true);
  assert.equal(hit.prior_rca_id, 3);
  assert.equal(hit.symptom_id, 4);
});

Deno.test("basic correlation links another RCA of a similar case, never its own", () => {
  const f = failure("ptp4l clock state FREERUN");
  const similar = [{ storeCaseId: 2, symptomId: 1, rcaId: 3 }];
  const dup = basicAnswer(request("F4_CORRELATE", f, { similar, rcaId: 5 }));
  assert.equal(dup.is_duplicate, true);
  assert.equal(dup.linked_rca_id, 3);
  const own = basicAnswer(request("F4_CORRELATE", f, { similar, rcaId: 3 }));
  assert.equal(own.is_duplicate, false);
});

Deno.test("basic investigation converges further on a loop retry", () => {
  const f = failure("something odd in ptp");
  const first = basicAnswer(request("F3_INVESTIGATE", f));
  const retry = basicAnswer(request("F3_INVESTIGATE", f, { attempt: 1 }));
  assert.ok(
    (retry.convergence_score as number) > (first.convergence_score as number),
  );
  assert.equal(first.defect_type, "pb001");
});

Deno.test("SignatureIndex groups earlier cases by similar error signatures", () => {
  const index = new SignatureIndex([
    { ...failure("ptp4l (pid 1): FREERUN after 61s"), caseId: "A" },
    { ...failure("chronyd: 0/2 NTP sources reachable"), caseId: "B" },
    { ...failure("ptp4l (pid 22): FREERUN after 60s"), caseId: "C" },
  ]);
  assert.deepEqual(index.earlierSimilar("A"), []);
  assert.deepEqual(index.earlierSimilar("B"), []);
  assert.deepEqual(index.earlierSimilar("C"), ["A"]);
});
