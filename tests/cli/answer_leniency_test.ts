/**
 * Answers as LLMs write them, through the file protocol and through stdin:
 * every repair and flag is recorded on its case and counted in the report.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../../src/cli/run_cli.ts";
import type { CalibrationReport } from "../../src/core/calibration_report.ts";
import { startResponder } from "../../src/responder/responder.ts";
import { loadScenario } from "../../src/scenario/load_scenario.ts";
import { captureTerminal } from "../support/capture_terminal.ts";
import { terminalWithPerson } from "../support/terminal_person.ts";
import { withTempDir } from "../support/temp_dir.ts";

type Data = Record<string, unknown>;

/** Changes to the oracle's payload, by `case:step`. */
const EDITS: Record<string, (data: Data) => Data> = {
  "C1:F5_REVIEW": (d) => ({ ...d, decision: "Approve" }),
  "C4:F1_TRIAGE": (d) => ({ ...d, symptom_category: "produkt" }),
  "C1:F2_RESOLVE": (d) => ({
    ...d,
    selected_repos: [
      ...(d.selected_repos as unknown[]),
      { name: "no-such-repo" },
    ],
  }),
  "C8:F0_RECALL": (d) => ({ ...d, symptom_id: 999 }),
};

/** How the answer text is mangled, by `case:step`: `json` is the clean text. */
const MANGLE: Record<string, (json: string) => string> = {
  "C1:F0_RECALL": (json) => `Here is my answer:\n\`\`\`json\n${json}\n\`\`\`\n`,
  "C1:F1_TRIAGE": (json) => `After reading the logs I conclude ${json} — done.`,
  "C2:F0_RECALL": (json) => `\uFEFF${json}`,
};

const EXPECTED_NOTES: Record<string, RegExp[]> = {
  C1: [
    /^F0_RECALL repair code-fence: /,
    /^F1_TRIAGE repair prose: /,
    /^F2_RESOLVE flag unknown-repo: selected_repos "no-such-repo" is no workspace repository$/,
    /^F5_REVIEW repair enum: field 'decision' "Approve" read as "approve"$/,
  ],
  C2: [/^F0_RECALL repair bom: /],
  C4: [
    /^F1_TRIAGE flag unknown-value: field 'symptom_category' "produkt" is no known symptom category$/,
  ],
  C8: [/^F0_RECALL flag unknown-id: symptom_id 999 names no symptom$/],
};

/** Steps executed by every case of `report`. */
function stepsRun(report: CalibrationReport): number {
  return report.case_results.reduce((n, c) => n + c.actual_path.length, 0);
}

function notesOf(report: CalibrationReport): Record<string, string[]> {
  return Object.fromEntries(
    report.case_results.flatMap((c) =>
      c.answer_notes ? [[c.case_id, c.answer_notes]] : []
    ),
  );
}

function assertNotes(
  notes: Record<string, string[]>,
  expected: Record<string, RegExp[]>,
): void {
  assert.deepEqual(Object.keys(notes).sort(), Object.keys(expected).sort());
  for (const [caseId, patterns] of Object.entries(expected)) {
    assert.equal(
      notes[caseId].length,
      patterns.length,
      notes[caseId].join("\n"),
    );
    patterns.forEach((p, i) => assert.match(notes[caseId][i], p));
  }
}

Deno.test("the file protocol repairs, flags and rejects answers and counts them", async () => {
  const scenario = await loadScenario("ptp-mock");
  await withTempDir(async (dir) => {
    const runDir = join(dir, "run");
    const responder = startResponder({
      runDir,
      scenario,
      pollIntervalMs: 20,
      render: (signal, data) => {
        const key = `${signal.case_id}:${signal.step}`;
        let payload = EDITS[key]?.(data as Data) ?? data as Data;
        if (key === "C12:F0_RECALL") payload = { ...payload, confidence: 7 };
        if (key === "C3:F0_RECALL") return JSON.stringify(payload);
        const json = JSON.stringify({
          dispatch_id: signal.dispatch_id,
          data: payload,
        });
        return MANGLE[key]?.(json) ?? json;
      },
    });
    const t = captureTerminal();
    let code: number;
    try {
      code = await runCli([
        "calibrate",
        "--json",
        "--adapter=agent",
        "--dispatch=file",
        "--responder=external",
        "--dispatch-timeout=2m",
        `--run-dir=${runDir}`,
      ], { terminal: t.terminal });
    } finally {
      await responder.stop();
    }
    assert.equal(code, 1, "C12's rejected answer fails the case");
    const report: CalibrationReport = JSON.parse(t.stdout());
    assertNotes(notesOf(report), {
      ...EXPECTED_NOTES,
      C3: [/^F0_RECALL repair wrapped: bare answer without the/],
      C12: [/^F0_RECALL rejected: .*confidence/],
    });
    const answers = report.answers!;
    assert.deepEqual(
      { ...answers, as_written: 0 },
      {
        as_written: 0,
        repaired: 5,
        flagged: 3,
        rejected: 1,
        repairs: { "code-fence": 1, prose: 1, bom: 1, wrapped: 1, enum: 1 },
        flags: { "unknown-value": 1, "unknown-repo": 1, "unknown-id": 1 },
      },
    );
    // Every executed step's answer is counted once; C12's F0 was rejected.
    assert.equal(answers.as_written + 5 + 3 + 1, stepsRun(report) + 1);
  });
});

Deno.test("stdin repairs and flags answers and counts them", async () => {
  const scenario = await loadScenario("ptp-mock");
  await withTempDir(async (runDir) => {
    const t = terminalWithPerson(scenario, runDir, ({ caseId, step, data }) => {
      const key = `${caseId}:${step}`;
      const payload = EDITS[key]?.(data) ?? data;
      const json = key === "C3:F0_RECALL"
        ? JSON.stringify({ dispatch_id: 1, data: payload })
        : JSON.stringify(payload);
      return MANGLE[key]?.(json) ?? json;
    });
    const code = await runCli([
      "calibrate",
      "--json",
      "--adapter=agent",
      `--run-dir=${runDir}`,
    ], { terminal: t.terminal });
    const report: CalibrationReport = JSON.parse(t.stdout());
    assertNotes(notesOf(report), {
      ...EXPECTED_NOTES,
      C3: [/^F0_RECALL repair unwrapped: answer read from the 'data'/],
    });
    assert.deepEqual(report.answers, {
      as_written: report.answers!.as_written,
      repaired: 5,
      flagged: 3,
      rejected: 0,
      repairs: { "code-fence": 1, prose: 1, bom: 1, unwrapped: 1, enum: 1 },
      flags: { "unknown-value": 1, "unknown-repo": 1, "unknown-id": 1 },
    });
    assert.equal(report.answers!.as_written + 5 + 3, stepsRun(report));
    assert.ok(code === 0 || code === 1, t.stderr().slice(-500));
    assert.match(t.stderr(), /Read artifact \(\d+ bytes; repaired: /);
  });
});
