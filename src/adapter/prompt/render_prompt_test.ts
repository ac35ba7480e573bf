import assert from "node:assert/strict";
import { join } from "node:path";
// @ts-types="@types/mustache"
import Mustache from "mustache";
import { PIPELINE_STEPS, type PipelineStep } from "../../pipeline/step.ts";
import { buildPromptView, type PromptView } from "./prompt_view.ts";
import {
  EMBEDDED_TEMPLATES,
  loadTemplates,
  PromptTemplateError,
  type PromptTemplates,
  renderPrompt,
  TEMPLATE_NAMES,
} from "./render_prompt.ts";
import {
  buildFixture,
  CORRELATING_ARTIFACTS,
  type Fixture,
  HOLDOVER_TEST,
  inputFor,
  ODD_TEST,
} from "./prompt_fixture_for_tests.ts";

const CASE_VERSIONS = new Map([[1, "4.20"], [2, "4.21"], [3, "4.21"], [
  4,
  "4.22",
]]);

/** Artifacts case 5 has when `step` runs (F4+ see everything before). */
function artifactsBefore(step: PipelineStep) {
  const index = PIPELINE_STEPS.indexOf(step);
  return CORRELATING_ARTIFACTS.filter((a) =>
    PIPELINE_STEPS.indexOf(a.step) < index
  );
}

/**
 * A view with every section filled: F0 for the fresh case (known symptom,
 * prior RCAs, catalogue), later steps for case 5 with all earlier artifacts,
 * a loop and every case's version.
 */
async function fullView(
  fixture: Fixture,
  step: PipelineStep,
  investigateLoops = 1,
): Promise<PromptView> {
  const caseId = step === "F0_RECALL" ? fixture.fresh : fixture.correlating;
  return await buildPromptView(inputFor(fixture, caseId, step, {
    artifacts: artifactsBefore(step).length === 0
      ? []
      : step === "F2_RESOLVE" || step === "F3_INVESTIGATE"
      ? CORRELATING_ARTIFACTS.slice(0, 4)
      : artifactsBefore(step),
    investigateLoops,
    caseVersions: CASE_VERSIONS,
    artifactPath: `/run/1/${caseId}/out-${step}.json`,
  }));
}

async function render(
  fixture: Fixture,
  step: PipelineStep,
  templates?: PromptTemplates,
): Promise<string> {
  return renderPrompt(
    templates ?? await loadTemplates(),
    step,
    await fullView(fixture, step),
  );
}

/** The text of section `heading` up to the next `## ` heading. */
function section(prompt: string, heading: string): string {
  const start = prompt.indexOf(`\n${heading}\n`);
  assert.notEqual(start, -1, `missing section ${heading}`);
  const end = prompt.indexOf("\n## ", start + heading.length + 2);
  return prompt.slice(start, end === -1 ? undefined : end);
}

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "asterisk-prompt-test-" });
}

Deno.test("loadTemplates() without a directory gives the embedded templates without the fmt marker", async () => {
  const templates = await loadTemplates();
  assert.deepEqual(Object.keys(templates).sort(), [...TEMPLATE_NAMES].sort());
  for (const name of TEMPLATE_NAMES) {
    assert.equal(templates[name].source, "embedded");
    assert.equal(templates[name].name, name);
    assert.match(EMBEDDED_TEMPLATES[name], /^<!-- deno-fmt-ignore-file -->/);
    assert.equal(templates[name].text.includes("deno-fmt-ignore"), false);
    assert.equal(templates[name].text.length > 200, true, name);
  }
});

Deno.test("renderPrompt() puts the calibration preamble and a rule before the step", async () => {
  const fixture = await buildFixture();
  const prompt = await render(fixture, "F0_RECALL");
  const [preamble, body] = prompt.split("\n\n---\n\n");
  assert.match(preamble, /^# Calibration mode — blind evaluation\n/);
  assert.match(
    body,
    /^# F0 Recall — case #3 · F0_RECALL · 4\.21 \/ \[T-TSC\]\n/,
  );
  for (
    const text of [
      "blind evaluation",
      "hidden ground truth with 20 metrics",
      "Answer only from this prompt and the workspace",
      "invent nothing",
      "`src/scenario/data/`",
      "`*_test.ts`",
      "`tests/`",
      "`contracts/`",
      "earlier reports",
      "`.asterisk/`",
      "independent analysis",
      "Reasoning quality is what scores",
      // The file protocol: wrapper, temporary file and rename, bare fallback.
      "`/run/1/3/out-F0_RECALL.json`",
      '`{"dispatch_id": <from signal.json beside it>, "data": <artifact>}`',
      "`out-F0_RECALL.json.tmp` + rename",
      "(no `signal.json`: bare artifact)",
    ]
  ) {
    assert.equal(preamble.includes(text), true, text);
  }
  assert.equal(prompt.endsWith("\n"), true);
});

Deno.test("renderPrompt() fills every tag of every template from a full view", async () => {
  const fixture = await buildFixture();
  const templates = await loadTemplates();
  for (const step of PIPELINE_STEPS) {
    const view = await fullView(fixture, step);
    const prompt = renderPrompt(templates, step, view);
    assert.equal(prompt.includes("{{"), false, `${step}: {{ left`);
    assert.equal(prompt.includes("}}"), false, `${step}: }} left`);
    for (
      const value of [
        `case #${view.caseId} · ${step} · 4.21 / [T-TSC]\n`,
        `**Test:** ${view.failure.testName}`,
        view.failure.errorBlock,
        `\`${view.artifactPath}\``,
        `${view.artifactFile}.tmp`,
        "## Failure under investigation",
        '"dispatch_id"',
        "4.21 / [T-TSC]",
      ]
    ) {
      assert.equal(prompt.includes(value), true, `${step}: ${value}`);
    }
    // The file protocol is said once, in the preamble.
    const body = prompt.split("\n\n---\n\n")[1];
    for (const text of ['"dispatch_id"', "signal.json", ".tmp"]) {
      assert.equal(body.includes(text), false, `${step}: ${text}`);
    }
  }
});

Deno.test("renderPrompt() renders every template for a bare case with no history", async () => {
  const fixture = await buildFixture();
  const templates = await loadTemplates();
  for (const step of PIPELINE_STEPS) {
    const view = await buildPromptView(inputFor(fixture, fixture.bare, step));
    const prompt = renderPrompt(templates, step, view);
    assert.equal(prompt.includes("{{"), false, step);
    assert.equal(prompt.includes("do not invent one"), true, step);
    assert.equal(
      prompt.includes("the log snippet is truncated"),
      true,
      step,
    );
    assert.equal(prompt.includes("## Retry"), false, step);
  }
});

Deno.test("renderPrompt() keeps each step's headings", async () => {
  const fixture = await buildFixture();
  const expected: Record<PipelineStep, readonly string[]> = {
    F0_RECALL: [
      "## Failure under investigation",
      "## Known symptom",
      "## Prior RCAs linked to this symptom",
      "## Symptom catalogue of this run",
      "## Other cases of this run",
      "## Output",
    ],
    F1_TRIAGE: [
      "## Failure under investigation",
      "## Other cases of this run",
      "## Workspace repositories",
      "## Symptom categories and defect types",
      "## Output",
    ],
    F2_RESOLVE: [
      "## Failure under investigation",
      "## Triage result",
      "## Workspace repositories",
      "## Output",
    ],
    F3_INVESTIGATE: [
      "## Failure under investigation",
      "## Triage context",
      "## Repositories to investigate",
      "## Defect taxonomy",
      "## Output",
    ],
    F4_CORRELATE: [
      "## Failure under investigation",
      "## This case's investigation result",
      "## Symptom context",
      "## RCAs recorded in this run",
      "## Other cases of this run",
      "## Output",
    ],
    F5_REVIEW: [
      "## Failure under investigation",
      "## Summary of the analysis",
      "## Decision",
      "## Output",
    ],
    F6_REPORT: [
      "## Approved RCA",
      "## Cross-version impact",
      "## Failure under investigation",
      "## Jira draft guidance",
      "## Output",
    ],
  };
  for (const step of PIPELINE_STEPS) {
    const prompt = await render(fixture, step);
    for (const heading of expected[step]) {
      assert.equal(
        prompt.includes(`\n${heading}\n`),
        true,
        `${step}: ${heading}`,
      );
    }
  }
});

Deno.test("the F0 prompt shows the known symptom, its RCAs, every symptom and the other cases", async () => {
  const fixture = await buildFixture();
  const prompt = await render(fixture, "F0_RECALL");
  const known = section(prompt, "## Known symptom");
  assert.equal(
    known.includes(
      "Symptom #1 (active, 2×, last seen 2026-02-17T10:05:00Z; RCA #1): it has this test name, a hint only",
    ),
    true,
  );
  const prior = section(prompt, "## Prior RCAs linked to this symptom");
  assert.equal(
    prior.includes(
      "### RCA #1 — Holdover timeout rendered as 60s instead of 300s",
    ),
    true,
  );
  assert.equal(
    prior.includes(
      "pb001 (Product Bug) · component linuxptp-daemon · open · versions 4.20, 4.21 · convergence 0.85 · cases #1",
    ),
    true,
  );
  assert.equal(prior.includes("The clock leaves HOLDOVER early."), true);
  assert.equal(prior.includes("RCA #2"), false); // archived
  const catalogue = section(prompt, "## Symptom catalogue of this run");
  assert.equal(
    catalogue.includes(
      `- #2 ${HOLDOVER_TEST} — active, 1×, none: a different holdover failure`,
    ),
    true,
  );
  assert.equal(
    catalogue.includes(
      `- #4 ${ODD_TEST} — dormant, 1×, RCA #1, RCA #4: phc2sys: offset stuck`,
    ),
    true,
  );
  // Every live RCA in one line each, so a failure of another test can be
  // recalled by its root cause; never the archived one.
  const rcas = section(prompt, "## RCAs of this run");
  assert.match(rcas, /^- RCA #1 — pb001, linuxptp-daemon, cases #1: /m);
  assert.equal(rcas.includes("RCA #2"), false);
  // Only the cases without an RCA, the candidates for same_as_case_id.
  const others = section(prompt, "## Other cases of this run");
  assert.equal(
    others.includes("- OCP-83305 Node reboot keeps lock\n  - #6: (none)"),
    true,
  );
  for (const id of [1, 2, 3, 4, 5]) {
    assert.equal(others.includes(`  - #${id} `), false, `case #${id}`);
  }
  const output = section(prompt, "## Output");
  for (
    const text of [
      "same mechanism",
      '`"match": false`',
      '`"prior_rca_id": 0`, `"symptom_id": 0`',
      '`"confidence": 0.1` — ≥ 0.80 hit',
      "0.40–0.80 uncertain",
      "< 0.40 miss",
      '`"reasoning": "…"`',
      '`"is_regression": false` — a dormant or resolved',
      '`"same_as_case_id": 0` — if no RCA fits but a listed case without one shares this cause',
    ]
  ) {
    assert.equal(output.includes(text), true, text);
  }
});

Deno.test("the F0 prompt shows the status of a case without an RCA unless it is open", async () => {
  const fixture = await buildFixture();
  await fixture.store.updateCaseStatus(fixture.bare, "reviewed");
  const prompt = await render(fixture, "F0_RECALL");
  const others = section(prompt, "## Other cases of this run");
  assert.equal(others.includes("  - #6 (reviewed): (none)"), true);
});

Deno.test("the F0 prompt has no known-symptom sections without a candidate", async () => {
  const fixture = await buildFixture();
  const view = await buildPromptView(
    inputFor(fixture, fixture.bare, "F0_RECALL"),
  );
  const prompt = renderPrompt(await loadTemplates(), "F0_RECALL", view);
  assert.equal(prompt.includes("## Known symptom"), false);
  assert.equal(prompt.includes("## Prior RCAs linked to this symptom"), false);
  assert.equal(prompt.includes("## Symptom catalogue of this run"), true);
});

Deno.test("the F1 prompt lists categories, taxonomy, repositories and triage flags", async () => {
  const fixture = await buildFixture();
  const prompt = await render(fixture, "F1_TRIAGE");
  for (
    const text of [
      "- `product` → `pb001` Product Bug: the product under test",
      "- `automation` → `ab001` Automation Bug: test code, fixtures",
      "- `infra` → `si001` System Issue: the environment",
      "- `flake` → `nd001` No Defect: nothing to fix",
      "- `unknown` → `ti001` To Investigate: the evidence cannot decide",
      "- linuxptp-daemon-operator (`/src/linuxptp-daemon-operator`): PTP operator and per-node linuxptp daemon",
      "- ptp-test-framework: Ginkgo end-to-end suites for PTP",
      '`"symptom_category": "product"` — `product`, `automation`, `infra`, `flake` or `unknown`',
      '`"severity": "high"`',
      '`"defect_type_hypothesis": "pb001"`',
      '`"candidate_repos": ["repo-a", "repo-b"]`',
      '`"skip_investigation": false` — true only if code cannot help',
      '`"cascade_suspected": false` — a consequence of an earlier failure',
      '`"clock_skew_suspected": false`',
      '`"data_quality_notes": ""`',
      "do not order events from different sources by timestamp alone",
    ]
  ) {
    assert.equal(prompt.includes(text), true, text);
  }
  // Every other case, grouped by test, with its RCA link.
  const others = section(prompt, "## Other cases of this run");
  assert.equal(
    others.includes(
      `- ${HOLDOVER_TEST}\n  - #1 4.20, RCA #1: ptp4l on ens2f0: clock state FREERUN after 61s, expected HOLDOVER\n  - #3 4.21, no RCA: `,
    ),
    true,
  );
  assert.equal(others.includes("  - #6 no RCA: (none)"), true);
  assert.equal(others.includes("#5 "), false); // the case itself
});

Deno.test("the F2 and F3 prompts show the loop retry only after a loop", async () => {
  const fixture = await buildFixture();
  const templates = await loadTemplates();
  for (const step of ["F2_RESOLVE", "F3_INVESTIGATE"] as const) {
    const first = renderPrompt(
      templates,
      step,
      await fullView(fixture, step, 0),
    );
    assert.equal(first.includes("## Retry"), false, step);
    const retry = renderPrompt(
      templates,
      step,
      await fullView(fixture, step, 1),
    );
    assert.equal(retry.includes("## Retry"), true, step);
    assert.equal(retry.includes("first attempt: unclear"), true, step);
  }
  const resolve = renderPrompt(
    templates,
    "F2_RESOLVE",
    await fullView(fixture, "F2_RESOLVE", 2),
  );
  assert.equal(resolve.includes("This case has looped 2 time(s)"), true);
  assert.equal(resolve.includes("**Widen the scope.**"), true);
  assert.equal(
    resolve.includes("Previously selected: linuxptp-daemon-operator"),
    true,
  );
});

Deno.test("the F3 prompt asks for the component and shows the selected repositories", async () => {
  const fixture = await buildFixture();
  const prompt = await render(fixture, "F3_INVESTIGATE");
  const output = section(prompt, "## Output");
  assert.equal(output.includes('"component": '), true);
  assert.equal(
    output.includes(
      '`"component": "component-to-blame"` — where the defect lives',
    ),
    true,
  );
  assert.equal(output.includes('"case_ids": [5]'), true);
  assert.equal(output.includes("`repo:path:detail`"), true);
  const repos = section(prompt, "## Repositories to investigate");
  assert.equal(
    repos.includes(
      "- **linuxptp-daemon-operator** (`/src/linuxptp-daemon-operator`, release-4.21): PTP operator and per-node linuxptp daemon. Focus: pkg/daemon, pkg/config. Why: phc2sys is started by the daemon",
    ),
    true,
  );
  for (
    const band of [
      "0.9–1.0 the code shows the exact defect",
      "0.7–0.9 strong",
      "0.5–0.7 plausible",
      "< 0.5 weak",
    ]
  ) {
    assert.equal(output.includes(band), true, band);
  }
  assert.equal(prompt.includes("must not exceed 0.5"), true);
  const taxonomy = section(prompt, "## Defect taxonomy");
  for (const code of ["pb001", "ab001", "si001", "nd001", "ti001"]) {
    assert.equal(taxonomy.includes(`- \`${code}\``), true, code);
  }
});

Deno.test("the F4 prompt lists the run's RCAs except the case's own and archived ones", async () => {
  const fixture = await buildFixture();
  const prompt = await render(fixture, "F4_CORRELATE");
  const rcas = section(prompt, "## RCAs recorded in this run");
  assert.equal(rcas.includes("### RCA #1 — Holdover timeout"), true);
  assert.equal(rcas.includes("### RCA #3 — AfterSuite does not delete"), true);
  assert.equal(
    rcas.includes(
      "ab001 · component ptp-test-framework · open · cases #2, #4 (versions 4.21, 4.22)",
    ),
    true,
  );
  assert.equal(prompt.includes("RCA #4 —"), false); // its own
  assert.equal(prompt.includes("RCA #2"), false); // archived
  assert.equal(prompt.includes("Superseded cleanup theory"), false);
  const symptom = section(prompt, "## Symptom context");
  assert.equal(symptom.includes("other RCAs linked: RCA #1"), true);
  const result = section(prompt, "## This case's investigation result");
  assert.equal(result.includes("phc2sys keeps a stale offset"), true);
  assert.equal(
    result.includes(
      "pb001 · component linuxptp-daemon · convergence 0.8 · evidence: linuxptp-daemon-operator:pkg/daemon/phc2sys.go:restart",
    ),
    true,
  );
  // Only the cases without an RCA, the candidates for same_as_case_id.
  const others = section(prompt, "## Other cases of this run");
  assert.equal(others.includes("  - #3 4.21: ptp4l on ens3f0"), true);
  assert.equal(others.includes("  - #6: (none)"), true);
  assert.equal(others.includes("  - #1 "), false);
  for (
    const key of [
      '"is_duplicate"',
      '"linked_rca_id"',
      '"confidence"',
      '"reasoning"',
      '"cross_version_match"',
      '"affected_versions"',
      '"same_as_case_id"',
      "below 0.80 nothing is linked",
      "if no RCA fits but a listed case without one shares this cause",
    ]
  ) {
    assert.equal(section(prompt, "## Output").includes(key), true, key);
  }
});

Deno.test("the F5 prompt summarises the analysis and offers the three decisions", async () => {
  const fixture = await buildFixture();
  const prompt = await render(fixture, "F5_REVIEW");
  for (
    const text of [
      "No prior root cause was recalled (confidence 0.1).",
      "Classified as `assertion`, severity critical, hypothesis pb001",
      "**Clock skew suspected**",
      "**Cascade suspected**",
      "Judged a duplicate of RCA #1 with confidence 0.6",
      "affected versions: 4.21, 4.22",
      "Linked to RCA #4 — phc2sys offset stuck after reboot, recording the investigation's conclusion",
      "evidence: linuxptp-daemon-operator:pkg/daemon/phc2sys.go:restart. Root cause: phc2sys keeps a stale offset",
      "- `approve`: error, log and evidence support it",
      "- `reassess` + `loop_target`:",
      "- `overturn` + `human_override` `{defect_type, rca_message}`:",
      "`F1_TRIAGE`",
      "`F2_RESOLVE`",
      "`F3_INVESTIGATE`",
      '{ "decision": "approve" }',
      '"human_override": {',
    ]
  ) {
    assert.equal(prompt.includes(text), true, text);
  }
});

Deno.test("the F5 prompt shows a recall hit", async () => {
  const fixture = await buildFixture();
  const view = await buildPromptView(
    inputFor(fixture, fixture.fresh, "F5_REVIEW", {
      artifacts: [{
        step: "F0_RECALL",
        data: {
          match: true,
          prior_rca_id: 1,
          symptom_id: 1,
          confidence: 0.95,
          reasoning: "same holdover window",
          is_regression: true,
          same_as_case_id: 0,
        },
      }],
    }),
  );
  const prompt = renderPrompt(await loadTemplates(), "F5_REVIEW", view);
  assert.equal(
    prompt.includes("Recall matched RCA #1 (symptom #1) with confidence 0.95."),
    true,
  );
  assert.equal(prompt.includes("**Possible regression:**"), true);
  assert.equal(prompt.includes("This case was not investigated at F3"), true);
});

Deno.test("the F5 prompt shows the linked RCA's root cause when it is not the investigation's", async () => {
  const fixture = await buildFixture();
  const view = await buildPromptView(
    inputFor(fixture, fixture.investigated, "F5_REVIEW"),
  );
  const prompt = renderPrompt(await loadTemplates(), "F5_REVIEW", view);
  assert.equal(
    prompt.includes(
      "- Linked to RCA #1 — Holdover timeout rendered as 60s instead of 300s (pb001, component linuxptp-daemon, open). Root cause: pkg/daemon/config.go renders holdover_timeout=60.",
    ),
    true,
  );
});

Deno.test("the F6 prompt shows the approved RCA and asks for the Jira draft keys", async () => {
  const fixture = await buildFixture();
  const prompt = await render(fixture, "F6_REPORT");
  const approved = section(prompt, "## Approved RCA");
  for (
    const text of [
      "RCA #4 — phc2sys offset stuck after reboot\n",
      "pb001 (Product Bug) · component linuxptp-daemon · open · convergence 0.8 · cases #5 (versions 4.21)",
      "Evidence: none",
      "phc2sys keeps a stale offset after the node reboots.",
    ]
  ) {
    assert.equal(approved.includes(text), true, text);
  }
  for (
    const key of [
      '"summary"',
      '"description"',
      '"defect_type"',
      '"priority"',
      '"components"',
      '"evidence_refs"',
      '"affected_versions"',
    ]
  ) {
    assert.equal(section(prompt, "## Output").includes(key), true, key);
  }
  // Only the guidance for the approved defect type.
  const guidance = section(prompt, "## Jira draft guidance");
  assert.equal(
    guidance.includes(
      "- `pb001` Product Bug: for the team owning the component",
    ),
    true,
  );
  assert.equal(guidance.includes("`ab001`"), false);
  assert.equal(
    section(prompt, "## Cross-version impact").includes("4.21, 4.22"),
    true,
  );
  // With an RCA the report needs the error, not the whole log.
  const failure = section(prompt, "## Failure under investigation");
  assert.equal(failure.includes("phc2sys: offset ```stuck```"), true);
  assert.equal(failure.includes("selected best master clock"), false);
});

Deno.test("the F6 prompt says when no RCA was established", async () => {
  const fixture = await buildFixture();
  const view = await buildPromptView(
    inputFor(fixture, fixture.bare, "F6_REPORT"),
  );
  const prompt = renderPrompt(await loadTemplates(), "F6_REPORT", view);
  assert.equal(prompt.includes("No RCA is linked to this case"), true);
  assert.equal(prompt.includes("no root cause was established"), true);
  const guidance = section(prompt, "## Jira draft guidance");
  for (const code of ["pb001", "ab001", "si001", "nd001", "ti001"]) {
    assert.equal(guidance.includes(`- \`${code}\``), true, code);
  }
});

Deno.test("a log ending with the error message is shown once, saying so", async () => {
  const fixture = await buildFixture();
  const error = "[FAILED] clock FREERUN after 60s";
  const { id } = await fixture.store.createCase({
    jobId: 1,
    launchId: 1,
    name: "OCP-1 ends with its error",
    errorMessage: error,
    logSnippet: `10:00 daemon: holdover elapsed\n10:01 e2e: ${error}`,
  });
  const templates = await loadTemplates();
  for (const step of PIPELINE_STEPS) {
    const view = await buildPromptView(inputFor(fixture, id, step));
    const prompt = renderPrompt(templates, step, view);
    const failure = section(prompt, "## Failure under investigation");
    assert.equal(failure.split(error).length, 2, step); // once
    if (step === "F6_REPORT") continue; // no RCA: log shown, error in it
    assert.equal(
      failure.includes("Log (ends with the error message):"),
      true,
      step,
    );
  }
});

Deno.test("no prompt reveals ground-truth fields of the workspace", async () => {
  const fixture = await buildFixture();
  for (const step of PIPELINE_STEPS) {
    const prompt = await render(fixture, step);
    assert.equal(/red.herring/i.test(prompt), false, step);
    assert.equal(prompt.includes("relevant_to_rcas"), false, step);
    assert.equal(prompt.includes("GTRCA-SECRET"), false, step);
    assert.equal(/\bR[12]\b/.test(prompt), false, step);
  }
});

Deno.test("renderPrompt() inserts text verbatim, without HTML escaping", async () => {
  const fixture = await buildFixture();
  for (const step of PIPELINE_STEPS) {
    if (step === "F0_RECALL") continue; // case 5 is rendered from F1 on
    const prompt = await render(fixture, step);
    assert.equal(prompt.includes(`**Test:** ${ODD_TEST}`), true, step);
    assert.equal(/&(amp|lt|gt|quot|#39|#x2F|#x60|#x3D);/.test(prompt), false);
  }
  // Mustache's global escaping is left as it was.
  assert.equal(Mustache.render("{{x}}", { x: "<&>" }), "&lt;&amp;&gt;");
});

Deno.test("renderPrompt() is deterministic", async () => {
  const a = await buildFixture();
  const b = await buildFixture();
  const templates = await loadTemplates();
  for (const step of PIPELINE_STEPS) {
    const first = await render(a, step, templates);
    const again = await render(a, step, templates);
    const other = await render(b, step, await loadTemplates());
    assert.equal(again, first, step);
    assert.equal(other, first, step);
  }
});

Deno.test("renderPrompt() rejects a view built for another step", async () => {
  const fixture = await buildFixture();
  const view = await fullView(fixture, "F1_TRIAGE");
  const templates = await loadTemplates();
  assert.throws(
    () => renderPrompt(templates, "F2_RESOLVE", view),
    PromptTemplateError,
  );
});

Deno.test("loadTemplates(dir) replaces the templates found there and keeps the others", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeTextFile(
      join(dir, "recall.md"),
      "# Custom recall for {{caseId}}: {{failure.testName}}\n",
    );
    await Deno.writeTextFile(join(dir, "preamble.md"), "CUSTOM PREAMBLE\n");
    const templates = await loadTemplates(dir);
    const embedded = await loadTemplates();
    assert.equal(templates.recall.source, join(dir, "recall.md"));
    assert.equal(templates.preamble.source, join(dir, "preamble.md"));
    assert.equal(templates.triage.source, "embedded");
    assert.equal(templates.triage.text, embedded.triage.text);
    const fixture = await buildFixture();
    const recall = renderPrompt(
      templates,
      "F0_RECALL",
      await fullView(fixture, "F0_RECALL"),
    );
    assert.equal(
      recall,
      `CUSTOM PREAMBLE\n\n---\n\n# Custom recall for 3: ${HOLDOVER_TEST}\n`,
    );
    const triage = renderPrompt(
      templates,
      "F1_TRIAGE",
      await fullView(fixture, "F1_TRIAGE"),
    );
    assert.match(
      triage,
      /^CUSTOM PREAMBLE\n\n---\n\n# F1 Triage — case #5 · F1_TRIAGE · /,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadTemplates(dir) refuses a missing directory or a file, naming the path", async () => {
  const dir = await tempDir();
  try {
    const missing = join(dir, "nope");
    await assert.rejects(
      loadTemplates(missing),
      (error) =>
        error instanceof PromptTemplateError && error.message.includes(missing),
    );
    const file = join(dir, "file.md");
    await Deno.writeTextFile(file, "x");
    await assert.rejects(
      loadTemplates(file),
      (error) =>
        error instanceof PromptTemplateError &&
        error.message.includes(file) &&
        error.message.includes("not a directory"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadTemplates(dir) reports an unreadable template, naming the path", async () => {
  const dir = await tempDir();
  try {
    await Deno.mkdir(join(dir, "triage.md")); // reading it fails, but not as "not found"
    await assert.rejects(
      loadTemplates(dir),
      (error) =>
        error instanceof PromptTemplateError &&
        error.message.startsWith(
          `Cannot read prompt template '${join(dir, "triage.md")}'`,
        ),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadTemplates(dir) reports a template that does not parse, naming the path", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeTextFile(join(dir, "review.md"), "{{#prior.recall}}open");
    await assert.rejects(
      loadTemplates(dir),
      (error) =>
        error instanceof PromptTemplateError &&
        error.message.includes(join(dir, "review.md")) &&
        /unclosed section/i.test(error.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("renderPrompt() fails on a tag the view does not have instead of rendering it empty", async () => {
  const dir = await tempDir();
  try {
    const fixture = await buildFixture();
    await Deno.writeTextFile(
      join(dir, "triage.md"),
      "{{failure.testName}} {{failure.errorMesage}}\n",
    );
    await Deno.writeTextFile(
      join(dir, "correlate.md"),
      "{{#otherCases}}- {{id}} {{caseTitle}}\n{{/otherCases}}",
    );
    const templates = await loadTemplates(dir);
    const triage = await buildPromptView(
      inputFor(fixture, fixture.bare, "F1_TRIAGE"),
    );
    assert.throws(
      () => renderPrompt(templates, "F1_TRIAGE", triage),
      (error) =>
        error instanceof PromptTemplateError &&
        error.message.includes("'failure.errorMesage'") &&
        error.message.includes(join(dir, "triage.md")),
    );
    const correlate = await fullView(fixture, "F4_CORRELATE");
    assert.throws(
      () => renderPrompt(templates, "F4_CORRELATE", correlate),
      (error) =>
        error instanceof PromptTemplateError &&
        error.message.includes("'caseTitle'"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
