/**
 * The README's sandbox examples, run as written (taken from the README, so
 * the two cannot drift) in a fresh directory: the calibration passes, and
 * reads and writes outside the granted paths fail — the parent's and the
 * responder child's.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { spawnProcess } from "../support/spawned.ts";
import { withTempDir } from "../support/temp_dir.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CONFIG = join(ROOT, "deno.json");
const MAIN = join(ROOT, "src/main.ts");
const PTP_MOCK = join(ROOT, "src/scenario/data/ptp_mock.json");
const PASS = /RESULT: PASS \(20\/20 metrics within threshold\)/;

/** The `sh` blocks of the README's Permissions section, as argument lists. */
async function readmeSandboxCommands(): Promise<string[][]> {
  const readme = await Deno.readTextFile(join(ROOT, "README.md"));
  const section = readme.split(/^## Permissions$/m)[1].split(/^## /m)[0];
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((block) =>
    block[1].replace(/\\\n/g, " ").trim().split(/\s+/)
  );
}

/**
 * Runs a README command in `cwd`: `deno` is the running Deno, with the
 * repository's config (its import map); `src/main.ts` is the repository's.
 * The permission flags and the asterisk arguments are the README's.
 */
function runReadme(
  cwd: string,
  words: readonly string[],
  extra: string[] = [],
) {
  assert.deepEqual(words.slice(0, 2), ["deno", "run"], words.join(" "));
  const args = [
    "run",
    `--config=${CONFIG}`,
    ...words.slice(2).map((word) => word === "src/main.ts" ? MAIN : word),
    ...extra,
  ];
  return spawnProcess(Deno.execPath(), args, { cwd });
}

/** A working directory like the README's: `datasets/`, and a place outside. */
async function sandbox(dir: string) {
  const cwd = await Deno.realPath(dir);
  await Deno.mkdir(join(cwd, "datasets"));
  await Deno.copyFile(PTP_MOCK, join(cwd, "datasets", "my-scenario.json"));
  await Deno.writeTextFile(join(cwd, "datasets", "other.json"), "{}\n");
  await Deno.mkdir(join(cwd, "outside"));
  await Deno.writeTextFile(join(cwd, "outside", "secret.txt"), "secret\n");
  await Deno.copyFile(PTP_MOCK, join(cwd, "outside", "scenario.json"));
  return cwd;
}

function entries(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("the README has the two sandbox examples", async () => {
  const [plain, responder] = await readmeSandboxCommands();
  assert.ok(plain.includes("--allow-read=.asterisk,datasets"));
  assert.ok(plain.includes("--allow-write=.asterisk"));
  assert.ok(!plain.some((w) => w.startsWith("--allow-run")));
  assert.ok(responder.includes("--allow-run=deno"), responder.join(" "));
  assert.ok(responder.includes("--responder=auto"));
});

Deno.test("the README's sandbox example passes, and reads and writes outside its paths fail", async () => {
  const [plain] = await readmeSandboxCommands();
  await withTempDir(async (dir) => {
    const cwd = await sandbox(dir);
    const run = runReadme(cwd, plain);
    const status = await run.status;
    assert.equal(status.code, 0, run.lines.join("\n"));
    assert.match(run.stdout(), PASS);
    // It wrote `.asterisk` and nothing else.
    assert.deepEqual(entries(cwd), [".asterisk", "datasets", "outside"]);
    assert.deepEqual(entries(join(cwd, "outside")), [
      "scenario.json",
      "secret.txt",
    ]);

    // A run directory outside `.asterisk` is refused before any work.
    const write = runReadme(cwd, plain, ["--run-dir=outside/run"]);
    assert.equal((await write.status).code, 2);
    assert.match(write.lines.join("\n"), /access to ".*outside\/run"/);
    assert.deepEqual(entries(join(cwd, "outside")), [
      "scenario.json",
      "secret.txt",
    ]);

    // A scenario outside `.asterisk` and `datasets` cannot be read.
    const read = runReadme(cwd, plain, ["--scenario=outside/scenario.json"]);
    assert.equal((await read.status).code, 2);
    assert.match(read.lines.join("\n"), /read permission denied/);
  });
});

/** What a process under `flags` may do, run in `cwd`. */
async function probe(cwd: string, flags: readonly string[]) {
  const script = `
    const tries = {
      readRun: () => Deno.readTextFileSync(".asterisk/calibrate/run.json"),
      readScenario: () => Deno.readTextFileSync("datasets/my-scenario.json"),
      readOtherDataset: () => Deno.readTextFileSync("datasets/other.json"),
      readOutside: () => Deno.readTextFileSync("outside/secret.txt"),
      writeRun: () => Deno.writeTextFileSync(".asterisk/calibrate/probe", "x"),
      writeAsterisk: () => Deno.writeTextFileSync(".asterisk/probe", "x"),
      writeDatasets: () => Deno.writeTextFileSync("datasets/probe", "x"),
      writeOutside: () => Deno.writeTextFileSync("outside/probe", "x"),
    };
    const result = {};
    for (const [name, attempt] of Object.entries(tries)) {
      try { attempt(); result[name] = "ok"; }
      catch (error) { result[name] = error.name; }
    }
    console.log(JSON.stringify(result));
  `;
  const path = await Deno.makeTempFile({ suffix: ".js" });
  await Deno.writeTextFile(path, script);
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", "--no-config", ...flags, path],
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    return JSON.parse(new TextDecoder().decode(output.stdout));
  } finally {
    await Deno.remove(path);
  }
}

Deno.test({
  name:
    "the README's responder example passes; the child holds only the run directory and the scenario file",
  // The child's command line is read from /proc.
  ignore: Deno.build.os !== "linux",
  async fn() {
    const [, responder] = await readmeSandboxCommands();
    await withTempDir(async (dir) => {
      const cwd = await sandbox(dir);
      const run = runReadme(cwd, responder);
      const started = await run.waitForLine(/responder started \(pid \d+\)/);
      const pid = started.match(/pid (\d+)/)![1];
      // The child runs until the run ends, so it is there to be read.
      // Through `cat`: reading /proc directly needs --allow-all, which the
      // test task does not grant.
      const cat = await new Deno.Command("cat", {
        args: [`/proc/${pid}/cmdline`],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(cat.code, 0, new TextDecoder().decode(cat.stderr));
      const cmdline = new TextDecoder().decode(cat.stdout)
        .split("\0").filter((w) => w !== "");
      const status = await run.status;
      assert.equal(status.code, 0, run.lines.join("\n"));
      assert.match(run.stdout(), PASS);

      // Under --allow-run=deno the child is the `deno` that names (PATH's,
      // which may be a symlink to Deno.execPath()): the run passing shows
      // its spawn was allowed.
      assert.match(cmdline[0], /(^|\/)deno$/, cmdline.join(" "));
      const flags = cmdline.filter((w) => /^--allow-|^-A$/.test(w));
      const runDir = join(cwd, ".asterisk", "calibrate");
      assert.deepEqual(flags, [
        `--allow-read=${runDir},${join(cwd, "datasets", "my-scenario.json")}`,
        `--allow-write=${runDir}`,
      ]);
      // Those flags hold: outside them every read and write fails, the
      // parent's other paths (`datasets`, `.asterisk`) included.
      assert.deepEqual(await probe(cwd, flags), {
        readRun: "ok",
        readScenario: "ok",
        readOtherDataset: "NotCapable",
        readOutside: "NotCapable",
        writeRun: "ok",
        writeAsterisk: "NotCapable",
        writeDatasets: "NotCapable",
        writeOutside: "NotCapable",
      });
      assert.deepEqual(entries(cwd), [".asterisk", "datasets", "outside"]);
    });
  },
});
