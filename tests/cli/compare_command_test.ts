/**
 * `asterisk compare`: identical runs exit 0, a mutated run lists its flipped
 * cases and exits 1, the tolerance is respected, and a file that is missing
 * or not a JSON report exits 2 naming the file and the field.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../../src/cli/run_cli.ts";
import { JsonComparisonSchema } from "../../src/report/comparison_schema.ts";
import { captureTerminal } from "../support/capture_terminal.ts";
import { withTempDir } from "../support/temp_dir.ts";

async function cli(args: string[]) {
  const t = captureTerminal();
  const code = await runCli(args, { terminal: t.terminal });
  return { code, out: t.stdout(), err: t.stderr() };
}

/** Calibrates ptp-mock into `dir`, returns the path of its JSON report. */
async function calibrated(dir: string, name: string, extra: string[] = []) {
  const report = join(dir, `${name}.json`);
  const run = await cli([
    "calibrate",
    `--run-dir=${join(dir, name)}`,
    `--report=${report}`,
    ...extra,
  ]);
  assert.ok(run.code === 0 || run.code === 1, run.err);
  return report;
}

// deno-lint-ignore no-explicit-any
async function edit(path: string, change: (json: any) => void) {
  const json = JSON.parse(await Deno.readTextFile(path));
  change(json);
  await Deno.writeTextFile(path, JSON.stringify(json));
}

Deno.test("compare: two identical runs exit 0 in every format", async () => {
  await withTempDir(async (dir) => {
    const a = await calibrated(dir, "a");
    const b = await calibrated(dir, "b");
    const text = await cli(["compare", a, b]);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /--- Metrics \(0 changed, 20 unchanged\) ---/);
    assert.match(text.out, /--- Cases \(0 changed\) ---/);
    assert.ok(
      text.out.endsWith(
        "RESULT: NO REGRESSION (0 metrics better, none worse beyond tolerance 0)\n",
      ),
    );
    const md = await cli(["compare", "--format=markdown", a, b]);
    assert.equal(md.code, 0);
    assert.match(md.out, /^## ✅ Asterisk compare: NO REGRESSION — ptp-mock/);
    const json = await cli(["compare", "--format=json", a, b]);
    assert.equal(json.code, 0);
    const parsed = JsonComparisonSchema.parse(JSON.parse(json.out));
    assert.equal(parsed.result, "ok");
    assert.equal(parsed.metrics.length, 20);
    assert.deepEqual(parsed.cases, []);
    assert.equal(parsed.base.file, a);
  });
});

Deno.test("compare: a run with a worse prompt lists the flipped cases and exits 1", async () => {
  await withTempDir(async (dir) => {
    const base = await calibrated(dir, "base");
    // A recall threshold no answer reaches: recalled cases are investigated
    // from scratch and come out wrong.
    const worse = await calibrated(dir, "new", ["--recall-hit=0.99"]);
    const text = await cli(["compare", base, worse]);
    assert.equal(text.code, 1, text.err);
    assert.match(
      text.out,
      /^M1 +defect_type_accuracy +0\.91 → +0\.36 +-0\.55 ✓→✗ regressed$/m,
    );
    assert.match(text.out, /^C2 defect +✓→✗ {2}pb001 → ti001$/m);
    assert.match(text.out, /^C2 path +✓→✗ {2}F0→F5→F6 → F0→F1→F2→/m);
    assert.match(text.out, /RESULT: REGRESSED \(M1, .*\)\n$/);
    // And back: the base against the worse run improves, exit 0.
    const back = await cli(["compare", worse, base]);
    assert.equal(back.code, 0, back.out);
    assert.match(back.out, /^C2 defect +✗→✓ {2}ti001 → pb001$/m);
    const md = await cli(["compare", "--format=markdown", base, worse]);
    assert.equal(md.code, 1);
    assert.match(md.out, /^\| C2 \| .* \| ✅ pb001 → ❌ ti001 \|/m);
    const json = JsonComparisonSchema.parse(
      JSON.parse((await cli(["compare", "--format=json", base, worse])).out),
    );
    assert.equal(json.result, "regressed");
    assert.ok(json.regressions.includes("M1"));
    assert.ok(json.cases.some((c) => c.caseId === "C2"));
  });
});

Deno.test("compare: --tolerance lets a metric get that much worse", async () => {
  await withTempDir(async (dir) => {
    const base = await calibrated(dir, "base");
    const next = join(dir, "next.json");
    await Deno.copyFile(base, next);
    await edit(next, (json) => json.metrics.structured[0].value -= 0.05);
    assert.equal((await cli(["compare", base, next])).code, 1);
    assert.equal(
      (await cli(["compare", "--tolerance=0.05", base, next])).code,
      0,
    );
    assert.equal(
      (await cli(["compare", "--tolerance=0.04", base, next])).code,
      1,
    );
    const bad = await cli(["compare", "--tolerance=-1", base, next]);
    assert.equal(bad.code, 2);
  });
});

Deno.test("compare: a missing file, a non-JSON file or a JSON that is no report exits 2 naming file and field", async () => {
  await withTempDir(async (dir) => {
    const base = await calibrated(dir, "base");
    const notJson = join(dir, "notes.txt");
    await Deno.writeTextFile(notJson, "hello");
    const noVersion = join(dir, "old.json");
    await Deno.copyFile(base, noVersion);
    await edit(noVersion, (json) => delete json.schema_version);
    const badField = join(dir, "bad.json");
    await Deno.copyFile(base, badField);
    await edit(badField, (json) => json.case_results[3].path_correct = 1);
    const missing = join(dir, "missing.json");
    const cases = [
      [missing, `Cannot read report '${missing}': the file does not exist`],
      [notJson, `Cannot read report '${notJson}': the file is not JSON`],
      [noVersion, `Cannot read report '${noVersion}': field 'schema_version'`],
      [
        badField,
        `Cannot read report '${badField}': field 'case_results[3].path_correct' must be a boolean`,
      ],
    ] as const;
    for (const [file, message] of cases) {
      for (const args of [[base, file], [file, base]]) {
        const shown = await cli(["compare", ...args]);
        assert.equal(shown.code, 2, file);
        assert.equal(shown.out, "");
        assert.ok(shown.err.startsWith(`error: ${message}`), shown.err);
      }
    }
    assert.equal((await cli(["compare", base])).code, 2);
  });
});

Deno.test("compare: agent text in the changed cases is escaped in text and Markdown", async () => {
  await withTempDir(async (dir) => {
    const base = await calibrated(dir, "base");
    const next = join(dir, "next.json");
    await Deno.copyFile(base, next);
    await edit(next, (json) => {
      json.case_results[1].defect_type_correct = false;
      json.case_results[1].actual_defect_type =
        "x\x1b[2K\r\nRESULT: NO REGRESSION |";
    });
    const expected = {
      text: "pb001 → x\\u001b[2K\\r\\nRESULT: NO REGRESSION |",
      markdown:
        "✅ pb001 → ❌ x\\\\u001b\\[2K\\\\r\\\\nRESULT: NO REGRESSION \\|",
    };
    for (const format of ["text", "markdown"] as const) {
      const shown = await cli(["compare", `--format=${format}`, base, next]);
      assert.equal(shown.code, 0);
      // deno-lint-ignore no-control-regex
      assert.ok(!/[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(shown.out), format);
      assert.equal(
        shown.out.split("\n").filter((l) => l.startsWith("RESULT")).length,
        format === "text" ? 1 : 0,
        format,
      );
      assert.ok(
        shown.out.includes(expected[format]),
        shown.out,
      );
    }
  });
});
