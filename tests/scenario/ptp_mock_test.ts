/**
 * Structure test of the built-in ptp-mock scenario
 * (`src/scenario/data/ptp_mock.json`): the facts the calibration metrics rely
 * on (reference §4.2), keyword relevance of the RCA texts (M14), evidence
 * references (M12/M13), and that our texts are our own (none is taken from the
 * upstream Go dataset).
 */
import assert from "node:assert/strict";
import data from "../../src/scenario/data/ptp_mock.json" with { type: "json" };
import {
  type GroundTruthCase,
  type GroundTruthRca,
  type Scenario,
  ScenarioSchema,
} from "../../src/scenario/scenario_schema.ts";

const scenario: Scenario = ScenarioSchema.parse(data);

const R1_REF = "linuxptp-daemon-operator:pkg/daemon/config.go:abc1234";
const R2_REF = "ptp-test-framework:test/e2e/ptp_config_test.go:AfterSuite";

function caseById(id: string): GroundTruthCase {
  const found = scenario.cases.find((c) => c.id === id);
  assert.ok(found, `case ${id} exists`);
  return found;
}

function rcaById(id: string): GroundTruthRca {
  const found = scenario.rcas.find((r) => r.id === id);
  assert.ok(found, `RCA ${id} exists`);
  return found;
}

/** Number of required keywords contained in `text` (case-insensitive). */
function keywordHits(rca: GroundTruthRca, text: string): number {
  const lower = text.toLowerCase();
  return rca.required_keywords.filter((k) => lower.includes(k.toLowerCase()))
    .length;
}

Deno.test("ptp-mock parses and has the expected counts", () => {
  assert.equal(scenario.name, "ptp-mock");
  assert.ok(scenario.description.length > 0);
  assert.equal(scenario.cases.length, 12);
  assert.equal(scenario.symptoms.length, 4);
  assert.equal(scenario.rcas.length, 3);
  assert.equal(scenario.workspace.repos.length, 5);
  assert.deepEqual(
    scenario.cases.map((c) => c.id),
    Array.from({ length: 12 }, (_, i) => `C${i + 1}`),
  );
  assert.deepEqual(scenario.rcas.map((r) => r.id), ["R1", "R2", "R3"]);
  assert.deepEqual(scenario.symptoms.map((s) => s.id), [
    "S1",
    "S2",
    "S3",
    "S4",
  ]);
});

Deno.test("ptp-mock RCAs carry the structural facts", () => {
  const expected = [
    {
      id: "R1",
      defect_type: "pb001",
      category: "product",
      component: "linuxptp-daemon",
      affected_versions: ["4.20", "4.21", "4.22"],
      jira_id: "OCPBUGS-1001",
      required_keywords: [
        "holdover",
        "timeout",
        "60",
        "300",
        "linuxptp",
        "FREERUN",
      ],
      keyword_threshold: 3,
      relevant_repos: ["linuxptp-daemon-operator"],
    },
    {
      id: "R2",
      defect_type: "ab001",
      category: "automation",
      component: "ptp-test-framework",
      affected_versions: ["4.21"],
      jira_id: "OCPBUGS-1002",
      required_keywords: [
        "cleanup",
        "CRD",
        "AfterSuite",
        "isolation",
        "ptp-config",
      ],
      keyword_threshold: 2,
      relevant_repos: ["ptp-test-framework"],
    },
    {
      id: "R3",
      defect_type: "si001",
      category: "infra",
      component: "cluster-infra",
      affected_versions: ["4.21"],
      jira_id: "",
      required_keywords: ["NTP", "unreachable", "chronyd", "infra"],
      keyword_threshold: 2,
      relevant_repos: ["cluster-infra-config"],
    },
  ];
  for (const want of expected) {
    const rca = rcaById(want.id);
    const { title, description, ...facts } = rca;
    assert.deepEqual(facts, want, want.id);
    assert.ok(title.length > 0, `${want.id} title`);
    assert.ok(description.length > 0, `${want.id} description`);
  }
  const rawR3 = data.rcas.find((r) => r.id === "R3");
  assert.ok(rawR3 && !("jira_id" in rawR3), "R3 has no jira_id key");
});

Deno.test("ptp-mock symptoms map to RCAs and match their cases", () => {
  const expected: Record<string, [string, string]> = {
    S1: ["linuxptp-daemon", "R1"],
    S2: ["ptp-test-framework", "R2"],
    S3: ["cluster-infra", "R3"],
    S4: ["linuxptp-daemon", "R1"],
  };
  for (const symptom of scenario.symptoms) {
    const [component, rca] = expected[symptom.id];
    assert.equal(symptom.component, component, symptom.id);
    assert.equal(symptom.maps_to_rca, rca, symptom.id);
    assert.ok(symptom.name.length > 0, `${symptom.id} name`);
    const pattern = new RegExp(symptom.error_pattern);
    const members = scenario.cases.filter((c) => c.symptom_id === symptom.id);
    assert.ok(members.length > 0, `${symptom.id} has cases`);
    for (const c of members) {
      assert.equal(c.rca_id, rca, `${c.id} RCA follows its symptom`);
      assert.match(c.error_message, pattern, `${c.id} matches ${symptom.id}`);
    }
    for (const c of scenario.cases.filter((c) => c.symptom_id !== symptom.id)) {
      assert.doesNotMatch(
        c.error_message,
        pattern,
        `${c.id} must not match ${symptom.id}`,
      );
    }
  }
});

Deno.test("ptp-mock workspace has one red herring and one neutral repo", () => {
  const expected = [
    ["linuxptp-daemon-operator", "release-4.21", ["R1"], false],
    ["ptp-test-framework", "main", ["R2"], false],
    ["cluster-infra-config", "main", ["R3"], false],
    ["sriov-network-operator", "release-4.21", [], true],
    ["cnf-features-deploy", "master", [], false],
  ] as const;
  assert.deepEqual(
    scenario.workspace.repos.map((r) => [
      r.name,
      r.branch,
      r.relevant_to_rcas,
      r.is_red_herring,
    ]),
    expected,
  );
  for (const repo of scenario.workspace.repos) {
    assert.equal(repo.path, "", `${repo.name} path`);
    assert.ok(repo.purpose.length > 0, `${repo.name} purpose`);
  }
  const raw = data.workspace.repos;
  assert.ok(!("relevant_to_rcas" in raw[3]), "red herring has no rcas key");
  assert.ok(!("relevant_to_rcas" in raw[4]), "neutral repo has no rcas key");
  assert.ok(!("is_red_herring" in raw[4]), "neutral repo not a herring");

  const herrings = scenario.workspace.repos.filter((r) => r.is_red_herring);
  assert.deepEqual(herrings.map((r) => r.name), ["sriov-network-operator"]);
  const names = new Set(scenario.workspace.repos.map((r) => r.name));
  for (const rca of scenario.rcas) {
    for (const repo of rca.relevant_repos) {
      assert.ok(names.has(repo), `${rca.id} repo ${repo} in workspace`);
      assert.notEqual(repo, "sriov-network-operator");
    }
  }
  for (const c of scenario.cases) {
    const picked = [
      ...(c.expected_triage?.candidate_repos ?? []),
      ...(c.expected_resolve?.selected_repos.map((r) => r.name) ?? []),
    ];
    for (const repo of picked) {
      assert.ok(names.has(repo), `${c.id} repo ${repo} in workspace`);
      assert.notEqual(repo, "sriov-network-operator", `${c.id} herring`);
    }
  }
});

Deno.test("ptp-mock cases follow the structure table", () => {
  type Row = [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    boolean,
    boolean,
    boolean,
  ];
  const table: Row[] = [
    [
      "C1",
      "4.20",
      "[T-TSC]",
      "OCP-83297",
      "S1",
      "R1",
      "F0 F1 F2 F3 F4 F5 F6",
      false,
      false,
      false,
    ],
    [
      "C2",
      "4.20",
      "[T-BC]",
      "OCP-83297",
      "S1",
      "R1",
      "F0 F5 F6",
      true,
      false,
      false,
    ],
    [
      "C3",
      "4.21",
      "[T-TSC]",
      "OCP-83297",
      "S1",
      "R1",
      "F0 F5 F6",
      true,
      false,
      false,
    ],
    [
      "C4",
      "4.21",
      "[T-TSC]",
      "OCP-83299",
      "S2",
      "R2",
      "F0 F1 F3 F4 F5 F6",
      false,
      false,
      false,
    ],
    [
      "C5",
      "4.21",
      "[T-TSC]",
      "OCP-83300",
      "S2",
      "R2",
      "F0 F5 F6",
      true,
      false,
      false,
    ],
    [
      "C6",
      "4.21",
      "[T-BC]",
      "OCP-83297",
      "S1",
      "R1",
      "F0 F5 F6",
      true,
      false,
      false,
    ],
    [
      "C7",
      "4.21",
      "[T-BC]",
      "OCP-83300",
      "S2",
      "R2",
      "F0 F5 F6",
      true,
      false,
      false,
    ],
    [
      "C8",
      "4.21",
      "[BC-OC]",
      "OCP-49734",
      "S3",
      "R3",
      "F0 F1 F5 F6",
      false,
      true,
      false,
    ],
    [
      "C9",
      "4.22",
      "[T-TSC]",
      "OCP-83297",
      "S1",
      "R1",
      "F0 F5 F6",
      true,
      false,
      false,
    ],
    [
      "C10",
      "4.22",
      "[T-TSC]",
      "OCP-83302",
      "S4",
      "R1",
      "F0 F1 F3 F4",
      false,
      false,
      false,
    ],
    [
      "C11",
      "4.21",
      "[T-TSC]",
      "OCP-83303",
      "",
      "",
      "F0 F1 F5 F6",
      false,
      true,
      false,
    ],
    [
      "C12",
      "4.21",
      "[T-TSC]",
      "OCP-83304",
      "S2",
      "R2",
      "F0 F1 F3 F4",
      false,
      false,
      true,
    ],
  ];
  for (
    const [id, version, job, testId, sym, rca, path, hit, skip, cascade]
      of table
  ) {
    const c = caseById(id);
    assert.deepEqual(
      [
        c.version,
        c.job,
        c.test_id,
        c.symptom_id,
        c.rca_id,
        c.expected_path.join(" "),
        c.expect_recall_hit,
        c.expect_skip,
        c.expect_cascade,
        c.expected_loops,
      ],
      [version, job, testId, sym, rca, path, hit, skip, cascade, 0],
      id,
    );
    assert.ok(c.test_name.startsWith(`${testId} `), `${id} test name prefix`);
    assert.equal(c.expected_review?.decision, "approve", `${id} review`);
  }
  const raw = data.cases.find((c) => c.id === "C11");
  assert.ok(raw && raw.symptom_id === "" && raw.rca_id === "", "C11 keys");
});

Deno.test("ptp-mock test names are shared exactly by shared test ids", () => {
  const byId = new Map<string, Set<string>>();
  for (const c of scenario.cases) {
    const names = byId.get(c.test_id) ?? new Set<string>();
    names.add(c.test_name);
    byId.set(c.test_id, names);
  }
  for (const [testId, names] of byId) {
    assert.equal(names.size, 1, `${testId} has one test name`);
  }
  const allNames = [...byId.values()].map((s) => [...s][0]);
  assert.equal(new Set(allNames).size, byId.size, "distinct ids, names");
  assert.equal(byId.size, 7);
});

Deno.test("ptp-mock versions, jobs and (version, job) pairs", () => {
  const versions = new Set(scenario.cases.map((c) => c.version));
  assert.deepEqual([...versions].sort(), ["4.20", "4.21", "4.22"]);
  const jobs = new Set(scenario.cases.map((c) => c.job));
  assert.deepEqual([...jobs].sort(), ["[BC-OC]", "[T-BC]", "[T-TSC]"]);
  const pairs = new Set(scenario.cases.map((c) => `${c.version}|${c.job}`));
  assert.equal(pairs.size, 6);
});

Deno.test("ptp-mock cases carry their own messages and timestamped logs", () => {
  const messages = new Set<string>();
  for (const c of scenario.cases) {
    assert.ok(c.error_message.length >= 25, `${c.id} error message`);
    assert.ok(!messages.has(c.error_message), `${c.id} message is unique`);
    messages.add(c.error_message);
    const lines = c.log_snippet.split("\n");
    assert.ok(lines.length >= 3, `${c.id} log has several lines`);
    for (const line of lines) {
      assert.match(line, /^2026-02-0\dT\d\d:\d\d:\d\dZ /, `${c.id}: ${line}`);
    }
    assert.ok(
      c.log_snippet.includes(c.error_message),
      `${c.id} log ends in the failure`,
    );
  }
  const c12 = caseById("C12");
  assert.ok(c12.error_message.includes("OCP-83299"), "C12 names C4's test");
  assert.ok(c12.log_snippet.includes("OCP-83299"), "C12 log shows cascade");
});

Deno.test("ptp-mock expected recall on every case", () => {
  const expected: Record<string, [boolean, number]> = {
    C1: [false, 0],
    C2: [true, 0.95],
    C3: [true, 0.95],
    C4: [false, 0],
    C5: [true, 0.92],
    C6: [true, 0.95],
    C7: [true, 0.92],
    C8: [false, 0],
    C9: [true, 0.95],
    C10: [false, 0.1],
    C11: [false, 0],
    C12: [false, 0.15],
  };
  for (const c of scenario.cases) {
    assert.ok(c.expected_recall, `${c.id} has expected_recall`);
    assert.deepEqual(
      [c.expected_recall.match, c.expected_recall.confidence],
      expected[c.id],
      c.id,
    );
  }
});

Deno.test("ptp-mock expected triage, resolve, invest and correlate", () => {
  const triage: Record<string, unknown> = {
    C1: {
      symptom_category: "product",
      severity: "critical",
      defect_type_hypothesis: "pb001",
      candidate_repos: ["linuxptp-daemon-operator", "cluster-infra-config"],
      skip_investigation: false,
      cascade_suspected: false,
    },
    C4: {
      symptom_category: "automation",
      severity: "high",
      defect_type_hypothesis: "ab001",
      candidate_repos: ["ptp-test-framework"],
      skip_investigation: false,
      cascade_suspected: false,
    },
    C8: {
      symptom_category: "infra",
      severity: "medium",
      defect_type_hypothesis: "si001",
      candidate_repos: [],
      skip_investigation: true,
      cascade_suspected: false,
    },
    C10: {
      symptom_category: "product",
      severity: "critical",
      defect_type_hypothesis: "pb001",
      candidate_repos: ["linuxptp-daemon-operator"],
      skip_investigation: false,
      cascade_suspected: false,
    },
    C11: {
      symptom_category: "flake",
      severity: "low",
      defect_type_hypothesis: "nd001",
      candidate_repos: [],
      skip_investigation: true,
      cascade_suspected: false,
    },
    C12: {
      symptom_category: "automation",
      severity: "high",
      defect_type_hypothesis: "ab001",
      candidate_repos: ["ptp-test-framework"],
      skip_investigation: false,
      cascade_suspected: true,
    },
  };
  const invest: Record<string, [string, string, number, string[]]> = {
    C1: ["pb001", "linuxptp-daemon", 0.85, [R1_REF]],
    C4: ["ab001", "ptp-test-framework", 0.90, [R2_REF]],
    C10: ["pb001", "linuxptp-daemon", 0.80, [R1_REF]],
    C12: ["ab001", "ptp-test-framework", 0.85, [R2_REF]],
  };
  const correlate: Record<string, [boolean, number, boolean]> = {
    C1: [false, 0.3, false],
    C4: [false, 0.3, false],
    C10: [true, 0.88, true],
    C12: [true, 0.90, false],
  };
  for (const c of scenario.cases) {
    assert.deepEqual(c.expected_triage, triage[c.id], `${c.id} triage`);
    if (c.id === "C1") {
      assert.ok(c.expected_resolve, "C1 resolve");
      assert.deepEqual(
        c.expected_resolve.selected_repos.map((r) => r.name),
        ["linuxptp-daemon-operator"],
      );
      assert.ok(c.expected_resolve.selected_repos[0].reason.length > 0);
    } else {
      assert.equal(c.expected_resolve, undefined, `${c.id} has no resolve`);
    }
    const inv = invest[c.id];
    if (inv) {
      assert.ok(c.expected_invest, `${c.id} invest`);
      const e = c.expected_invest;
      assert.deepEqual(
        [e.defect_type, e.component, e.convergence_score, e.evidence_refs],
        inv,
        `${c.id} invest`,
      );
      assert.ok(e.rca_message.length > 0, `${c.id} rca_message`);
      assert.equal(e.defect_type, rcaById(c.rca_id).defect_type);
      assert.equal(e.component, rcaById(c.rca_id).component);
    } else {
      assert.equal(c.expected_invest, undefined, `${c.id} has no invest`);
    }
    const cor = correlate[c.id];
    if (cor) {
      assert.ok(c.expected_correlate, `${c.id} correlate`);
      const e = c.expected_correlate;
      assert.deepEqual(
        [e.is_duplicate, e.confidence, e.cross_version_match],
        cor,
        `${c.id} correlate`,
      );
    } else {
      assert.equal(c.expected_correlate, undefined, `${c.id} no correlate`);
    }
  }
});

Deno.test("ptp-mock evidence refs point into the RCA's relevant repo", () => {
  for (const c of scenario.cases) {
    if (!c.expected_invest) continue;
    const rca = rcaById(c.rca_id);
    for (const ref of c.expected_invest.evidence_refs) {
      const repo = ref.split(":")[0];
      assert.ok(rca.relevant_repos.includes(repo), `${c.id} ${ref}`);
    }
  }
});

Deno.test("ptp-mock RCA texts meet their keyword thresholds (M14, M15)", () => {
  for (const rca of scenario.rcas) {
    const hits = keywordHits(rca, rca.description);
    assert.ok(
      hits >= rca.keyword_threshold,
      `${rca.id} description has ${hits} of ${rca.keyword_threshold}`,
    );
    assert.ok(
      rca.description.toLowerCase().includes(rca.component.toLowerCase()),
      `${rca.id} description names ${rca.component}`,
    );
  }
  let messages = 0;
  for (const c of scenario.cases) {
    if (!c.expected_invest) continue;
    messages++;
    const rca = rcaById(c.rca_id);
    const hits = keywordHits(rca, c.expected_invest.rca_message);
    assert.ok(
      hits >= rca.keyword_threshold,
      `${c.id} rca_message has ${hits} of ${rca.keyword_threshold}`,
    );
  }
  assert.equal(messages, 4);
  for (const id of ["C1", "C4"]) {
    const c = caseById(id);
    const component = rcaById(c.rca_id).component;
    assert.ok(
      c.expected_invest?.rca_message.includes(component),
      `${id} rca_message names ${component}`,
    );
  }
});

const UPSTREAM_PATH = "/work/shared/datasets/upstream/ptp-mock.json";

function upstreamExists(): boolean {
  try {
    return Deno.statSync(UPSTREAM_PATH).isFile;
  } catch {
    return false;
  }
}

/** Texts of ours that must be original: every long free-text string. */
function ownTexts(): string[] {
  const texts: string[] = [scenario.description];
  for (const r of scenario.rcas) texts.push(r.title, r.description);
  for (const s of scenario.symptoms) texts.push(s.name, s.error_pattern);
  for (const c of scenario.cases) {
    texts.push(c.test_name, c.error_message, c.log_snippet);
    texts.push(...c.log_snippet.split("\n"));
    if (c.expected_invest) texts.push(c.expected_invest.rca_message);
    for (const r of c.expected_resolve?.selected_repos ?? []) {
      texts.push(r.reason);
    }
  }
  for (const r of scenario.workspace.repos) texts.push(r.name, r.purpose);
  return texts.filter((t) => t.length >= 25);
}

Deno.test({
  name: "ptp-mock texts are not taken from the upstream dataset",
  ignore: !upstreamExists(),
  fn() {
    const upstream = Deno.readTextFileSync(UPSTREAM_PATH);
    const parsed: unknown = JSON.parse(upstream);
    const upstreamStrings = new Set<string>();
    const collect = (v: unknown): void => {
      if (typeof v === "string") upstreamStrings.add(v);
      else if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === "object") Object.values(v).forEach(collect);
    };
    collect(parsed);
    const texts = ownTexts();
    assert.ok(texts.length > 40, "collected our texts");
    for (const text of texts) {
      assert.ok(!upstream.includes(text), `found upstream: ${text}`);
      assert.ok(
        !upstream.includes(JSON.stringify(text).slice(1, -1)),
        `found upstream (escaped): ${text}`,
      );
      assert.ok(!upstreamStrings.has(text), `equals upstream: ${text}`);
    }
  },
});
