import assert from "node:assert/strict";
import { join } from "node:path";
import {
  binaryProblem,
  compileArgs,
  denortProblem,
} from "../scripts/compile.ts";
import { withTempDir } from "./support/temp_dir.ts";

const problem = denortProblem();
if (problem !== undefined) {
  console.log(`skipping the compiled-binary test: ${problem}`);
}

Deno.test({
  name: "the compiled asterisk binary calibrates ptp-mock",
  ignore: problem !== undefined,
  async fn() {
    await withTempDir(async (dir) => {
      const binary = join(dir, "asterisk");
      const build = await new Deno.Command(Deno.execPath(), {
        args: compileArgs(binary),
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(build.code, 0, new TextDecoder().decode(build.stderr));
      // The binary writes `.asterisk` of the directory it runs in, and
      // starts its responder child (itself) under the same permissions.
      const run = await new Deno.Command(binary, {
        args: ["calibrate", "--dispatch=file", "--responder=auto"],
        cwd: dir,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stdout = new TextDecoder().decode(run.stdout);
      assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
      assert.match(stdout, /RESULT: PASS \(20\/20 metrics within threshold\)/);
      // Anywhere else is outside its write permission.
      const outside = await new Deno.Command(binary, {
        args: ["calibrate", `--run-dir=${join(dir, "outside")}`],
        cwd: dir,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(outside.code, 2);
      assert.match(
        new TextDecoder().decode(outside.stderr),
        /Requires write access|outside the paths asterisk may write/,
      );
    });
  },
});

Deno.test("the binary's permissions are the tasks': read, write .asterisk, run only itself", async () => {
  await withTempDir(async (dir) => {
    const real = join(dir, "real");
    await Deno.mkdir(real);
    await Deno.symlink(real, join(dir, "link"));
    const args = compileArgs(join(dir, "link", "asterisk"));
    const permissions = args.filter((a) =>
      a.startsWith("--allow") || a === "-A"
    );
    assert.deepEqual(permissions, [
      "--allow-read",
      "--allow-write=.asterisk",
      // Deno.execPath() of the binary is its real path.
      `--allow-run=${join(await Deno.realPath(real), "asterisk")}`,
    ]);
    assert.ok(args.includes("--no-prompt"));
  });
});

Deno.test("the build check refuses a binary that does not answer as asterisk", async () => {
  // The plain deno binary is what a DENORT_BIN pointing at deno yields.
  const problem = await binaryProblem(Deno.execPath());
  assert.match(problem ?? "", /does not answer as asterisk .*not deno/);
  assert.match(
    (await binaryProblem("/nonexistent/asterisk")) ?? "",
    /cannot run/,
  );
});

Deno.test("the build check accepts a binary that answers as asterisk", async () => {
  await withTempDir(async (dir) => {
    const fake = join(dir, "asterisk");
    await Deno.writeTextFile(
      fake,
      "#!/bin/sh\necho 'Usage: asterisk [options] [command]'\n",
    );
    await Deno.chmod(fake, 0o755);
    assert.equal(await binaryProblem(fake), undefined);
  });
});
