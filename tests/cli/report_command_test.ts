/**
 * `asterisk report`: the stored run rendered again equals what calibrate
 * printed and wrote, in every format; bad and unfinished run directories
 * exit 2 naming the path.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../../src/cli/run_cli.ts";
import type { CliContext } from "../../src/cli/run_cli.ts";
import { captureTerminal } from "../support/capture_terminal.ts";
import { faultyStore } from "../support/faulty_store.ts";
import { withTempDir } from "../support/temp_dir.ts";

interface Outcome {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function cli(
  args: string[],
  context: Omit<CliContext, "terminal"> = {},
): Promise<Outcome> {
  const t = captureTerminal();
  const code = await runCli(args, { ...context, terminal: t.terminal });
  return { code, out: t.stdout(), err: t.stderr() };
}

/** Runs calibrate with every output file; returns what it printed and wrote. */
async function calibrateWithOutputs(dir: string, extra: string[] = []) {
  const runDir = join(dir, "run");
  const files = {
    json: join(dir, "out.json"),
    junit: join(dir, "out.xml"),
    markdown: join(dir, "out.md"),
    html: join(dir, "out.html"),
  };
  const run = await cli([
    "calibrate",
    `--run-dir=${runDir}`,
    `--report=${files.json}`,
    `--junit=${files.junit}`,
    `--markdown=${files.markdown}`,
    `--html=${files.html}`,
    ...extra,
  ]);
  const written: Record<string, string> = { text: run.out };
  for (const [format, path] of Object.entries(files)) {
    written[format] = await Deno.readTextFile(path);
  }
  return { runDir, run, written };
}

for (
  const [label, extra, code] of [
    ["a passing run", [], 0],
    ["a failing run of two runs", ["--runs=2", "--recall-hit=0.99"], 1],
  ] as const
) {
  Deno.test(`report renders ${label} as calibrate printed and wrote it, in each format`, async () => {
    await withTempDir(async (dir) => {
      const { runDir, run, written } = await calibrateWithOutputs(dir, [
        ...extra,
      ]);
      assert.equal(run.code, code, run.err);
      for (const [format, expected] of Object.entries(written)) {
        const shown = await cli([
          "report",
          `--run-dir=${runDir}`,
          `--format=${format}`,
        ]);
        assert.equal(shown.code, code, shown.err);
        assert.equal(shown.out, expected, format);
        const output = join(dir, `again.${format}`);
        const saved = await cli([
          "report",
          `--run-dir=${runDir}`,
          `--format=${format}`,
          `--output=${output}`,
        ]);
        assert.equal(saved.code, code, saved.err);
        assert.equal(saved.out, "");
        assert.equal(await Deno.readTextFile(output), expected, format);
      }
    });
  });
}

Deno.test("report: text is the default format", async () => {
  await withTempDir(async (dir) => {
    const { runDir, written } = await calibrateWithOutputs(dir);
    assert.equal(
      (await cli(["report", `--run-dir=${runDir}`])).out,
      written.text,
    );
  });
});

Deno.test("report: a missing, file, empty or foreign run directory exits 2 naming the path", async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, "file.txt");
    await Deno.writeTextFile(file, "x");
    const empty = join(dir, "empty");
    await Deno.mkdir(empty);
    const cases = [
      [
        join(dir, "missing"),
        "it does not exist; expected the --run-dir of a calibrate run",
      ],
      [file, "it is a file; expected the --run-dir of a calibrate run"],
      [
        empty,
        "it holds no asterisk run (no report.json, run.db or run.json); expected the --run-dir of a calibrate run",
      ],
    ] as const;
    for (const [path, problem] of cases) {
      const shown = await cli(["report", `--run-dir=${path}`]);
      assert.equal(shown.code, 2, path);
      assert.equal(shown.out, "");
      assert.equal(
        shown.err,
        `error: Cannot report run directory '${path}': ${problem}\n`,
      );
    }
  });
});

Deno.test("report: a broken report.json exits 2 naming the file and the field", async () => {
  await withTempDir(async (dir) => {
    const { runDir } = await calibrateWithOutputs(dir);
    const path = join(runDir, "report.json");
    const json = JSON.parse(await Deno.readTextFile(path));
    json.case_results[0].defect_type_correct = "yes";
    await Deno.writeTextFile(path, JSON.stringify(json));
    const shown = await cli(["report", `--run-dir=${runDir}`]);
    assert.equal(shown.code, 2);
    assert.match(
      shown.err,
      /^error: Cannot read report '.*run\/report\.json': field 'case_results\[0\]\.defect_type_correct' must be a boolean/,
    );
  });
});

Deno.test("report: an unfinished run exits 2 with the command that finishes it", async () => {
  await withTempDir(async (dir) => {
    const runDir = join(dir, "run");
    const stopped = await cli(["calibrate", `--run-dir=${runDir}`], {
      openStore: faultyStore("disk full", 2),
    });
    assert.equal(stopped.code, 1, stopped.err);
    const shown = await cli(["report", `--run-dir=${runDir}`]);
    assert.equal(shown.code, 2);
    assert.equal(
      shown.err,
      `error: Cannot report run directory '${runDir}': its run has not finished (stopped, interrupted or still running), so it has no report yet; finish it with 'deno task asterisk calibrate --resume --run-dir=${runDir}', then report it\n`,
    );
  });
});

Deno.test("report: an output path it cannot write exits 2 before reading anything", async () => {
  await withTempDir(async (dir) => {
    const output = join(dir, "missing", "r.xml");
    const shown = await cli([
      "report",
      `--run-dir=${join(dir, "nothing-here")}`,
      `--output=${output}`,
    ]);
    assert.equal(shown.code, 2);
    assert.equal(
      shown.err,
      `error: Cannot write '${output}': its directory does not exist\n`,
    );
  });
});
