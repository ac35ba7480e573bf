import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../../src/cli/run_cli.ts";
import type { CalibrationReport } from "../../src/core/calibration_report.ts";
import { readManifest } from "../../src/transport/batch_manifest.ts";
import { captureTerminal } from "../support/capture_terminal.ts";
import { caseOutcomes } from "../support/case_outcome.ts";
import { withTempDir } from "../support/temp_dir.ts";

async function calibrateJson(args: string[]) {
  const t = captureTerminal();
  const code = await runCli(["calibrate", "--json", ...args], {
    terminal: t.terminal,
  });
  return {
    code,
    stderr: t.stderr(),
    report: JSON.parse(t.stdout()) as CalibrationReport,
  };
}

let inProcess: Promise<ReturnType<typeof caseOutcomes>> | undefined;
/** The in-process stub's per-case lines, computed once per file. */
function inProcessOutcomes() {
  inProcess ??= withTempDir(async (dir) => {
    const run = await calibrateJson([`--run-dir=${dir}`]);
    assert.equal(run.code, 0, run.stderr);
    return caseOutcomes(run.report.case_results);
  });
  return inProcess;
}

Deno.test("calibrate-batch: 20/20, live manifest done, briefing, equal to serial", async () => {
  await withTempDir(async (dir) => {
    const runDir = join(dir, "batch");
    const batch = await calibrateJson([
      "--adapter=stub",
      "--dispatch=batch-file",
      "--parallel=4",
      "--batch-size=4",
      "--responder=auto",
      "--cost-report",
      `--run-dir=${runDir}`,
    ]);
    assert.equal(batch.code, 0, batch.stderr);
    assert.equal(batch.report.dispatch, "batch-file");
    const outcomes = caseOutcomes(batch.report.case_results);
    // The serial file run equals the in-process one too (next test).
    assert.deepEqual(outcomes, await inProcessOutcomes());

    const suite = join(runDir, "1");
    const storeIdOf = new Map(
      batch.report.case_results.map((c) => [c.case_id, c.store_case_id]),
    );
    const manifest = await readManifest(join(suite, "batch-manifest.json"));
    assert.equal(manifest?.status, "done");
    assert.ok(manifest!.signals.every((s) => s.status === "done"));
    const archived: string[] = [];
    for await (const entry of Deno.readDir(join(suite, "batches"))) {
      archived.push(entry.name);
    }
    archived.sort();
    assert.equal(archived[0], "0001");
    // Batches roll: steps join the batch in flight, so there are fewer
    // batches than waves of 4 (at least one per phase).
    assert.ok(archived.length >= 2 && archived.length < 47, `${archived}`);
    let slots = 0;
    const phases = new Set<string>();
    for (const name of archived) {
      const m = await readManifest(
        join(suite, "batches", name, "batch-manifest.json"),
      );
      assert.equal(m?.status, "done", name);
      slots += m!.total;
      phases.add(m!.phase);
      // The briefing lists the cases the batch opened with (its first
      // signals; later ones joined as slots freed up), by id.
      const text = await Deno.readTextFile(
        join(suite, "batches", name, "briefing.md"),
      );
      const opening = Number(/Signals in this batch: (\d+)/.exec(text)?.[1]);
      assert.ok(opening >= 1 && opening <= 4 && opening <= m!.total, name);
      const inFlight = text.slice(text.indexOf("## Cases in flight"));
      const listed = [...inFlight.matchAll(/^\| #(\d+) \| (F\d) \|/gm)].map(
        (match) => `${match[1]} ${match[2]}`,
      );
      assert.deepEqual(
        listed,
        m!.signals.slice(0, opening).map((signal) =>
          `${storeIdOf.get(signal.case_id)} ${signal.step.slice(0, 2)}`
        ).sort((a, b) => parseInt(a) - parseInt(b)),
        name,
      );
    }
    assert.equal(slots, 47, "every dispatch went through a batch");
    assert.deepEqual([...phases].sort(), ["investigation", "triage"]);

    const briefing = await Deno.readTextFile(join(suite, "briefing.md"));
    for (
      const section of [
        "## Run context",
        "## Known symptoms",
        "## Cluster assignments",
        "## Prior RCAs",
        "## Common error patterns",
      ]
    ) {
      assert.ok(briefing.includes(section), section);
    }
    const first = await Deno.readTextFile(
      join(suite, "batches", "0001", "briefing.md"),
    );
    assert.ok(first.includes("## Run context"));
    assert.ok(!first.includes("## Prior RCAs"), "empty store: no RCAs yet");

    const tokens = JSON.parse(
      await Deno.readTextFile(join(runDir, "token-report.json")),
    );
    assert.equal(tokens.records.length, 47, "one token record per slot");
  });
});

Deno.test("--dispatch=file equals in-process, writes no manifest and no briefing", async () => {
  await withTempDir(async (dir) => {
    const result = await calibrateJson(["--dispatch=file", `--run-dir=${dir}`]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      caseOutcomes(result.report.case_results),
      await inProcessOutcomes(),
    );
    await assert.rejects(Deno.stat(join(dir, "1", "batch-manifest.json")));
    await assert.rejects(Deno.stat(join(dir, "1", "briefing.md")));
    await assert.rejects(Deno.stat(join(dir, "1", "batches")));
  });
});

Deno.test("--parallel with the file transport and the stub also equals serial", async () => {
  await withTempDir(async (dir) => {
    for (
      const args of [
        ["--parallel=3"],
        ["--dispatch=file", "--parallel=4", "--token-budget=2"],
        ["--dispatch=batch-file", "--parallel=2", "--batch-size=3"],
      ]
    ) {
      const result = await calibrateJson([
        ...args,
        `--run-dir=${join(dir, args.join("_"))}`,
      ]);
      assert.equal(result.code, 0, `${args}: ${result.stderr}`);
      assert.deepEqual(
        caseOutcomes(result.report.case_results),
        await inProcessOutcomes(),
        args.join(" "),
      );
    }
  });
});

Deno.test("parallel flags are validated", async () => {
  const cases: [string[], RegExp][] = [
    [["--parallel=0"], /argument '0' is invalid/],
    [["--batch-size=0"], /argument '0' is invalid/],
    [["--token-budget=-1"], /argument '-1' is invalid/],
    [
      ["--adapter=agent", "--parallel=2"],
      /--parallel=2 with --dispatch=stdin: a person answers one prompt at a time/,
    ],
  ];
  for (const [args, message] of cases) {
    const t = captureTerminal();
    const code = await runCli(["calibrate", ...args], { terminal: t.terminal });
    assert.equal(code, 2, args.join(" "));
    assert.match(t.stderr(), message, args.join(" "));
  }
});
