import assert from "node:assert/strict";
import { join } from "node:path";
import { withTempDir } from "../../tests/support/temp_dir.ts";
import { setRunStatus, writeRunFile } from "../runner/run_file.ts";
import { RunEndWatch } from "./run_end_watch.ts";

const RUN = {
  scenario: "ptp-mock",
  suite_id: 1,
  started_at: "2026-02-17T10:00:00Z",
  status: "running" as const,
  cases: [],
};

Deno.test("RunEndWatch reports a run that ends after the first look, once it has", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "run.json");
    const watch = new RunEndWatch(dir);
    assert.equal(await watch.look(), undefined, "first look: no run yet");
    assert.equal(await watch.look(), undefined);
    await writeRunFile(path, RUN);
    assert.equal(await watch.look(), undefined, "running");
    await setRunStatus(path, { status: "finished" });
    assert.equal(await watch.look(), "finished");
  });
});

Deno.test("RunEndWatch ignores the end of an earlier run, not of the next one", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "run.json");
    await writeRunFile(path, RUN);
    await setRunStatus(path, { status: "finished" });
    const watch = new RunEndWatch(dir);
    assert.equal(await watch.look(), undefined);
    assert.equal(await watch.look(), undefined, "the earlier run's end");
    // A resumed run that stops again.
    await setRunStatus(path, { status: "running" });
    assert.equal(await watch.look(), undefined);
    await setRunStatus(path, {
      status: "stopped",
      at: new Date("2026-02-17T11:00:00Z"),
    });
    assert.equal(await watch.look(), "stopped");
  });
});

Deno.test("RunEndWatch waits for every run of a --runs=N directory", async () => {
  await withTempDir(async (dir) => {
    const watch = new RunEndWatch(dir);
    await watch.look();
    for (const n of [1, 2]) {
      await Deno.mkdir(join(dir, `run-${n}`));
      await writeRunFile(join(dir, `run-${n}`, "run.json"), RUN);
    }
    await setRunStatus(join(dir, "run-1", "run.json"), { status: "failed" });
    assert.equal(await watch.look(), undefined, "run 2 still running");
    await setRunStatus(join(dir, "run-2", "run.json"), { status: "finished" });
    assert.equal(await watch.look(), "failed");
  });
});
