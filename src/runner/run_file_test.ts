import assert from "node:assert/strict";
import { join } from "node:path";
import { withTempDir } from "../../tests/support/temp_dir.ts";
import {
  findRunFiles,
  readRunFile,
  setRunStatus,
  setRunStatusUnder,
  writeRunFile,
} from "./run_file.ts";

const RUN = {
  scenario: "ptp-mock",
  suite_id: 1,
  started_at: "2026-02-17T10:00:00Z",
  status: "running" as const,
  cases: [{ case_id: "C1", store_case_id: 1, dir: "/run/1/1" }],
};

Deno.test("readRunFile() takes a run.json without a status as running", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "run.json");
    const { status: _, ...old } = RUN;
    await writeRunFile(path, old);
    assert.equal((await readRunFile(path)).status, "running");
  });
});

Deno.test("setRunStatus() records the end, keeps the rest, and clears it when running again", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "run.json");
    await writeRunFile(path, RUN);
    await setRunStatus(path, {
      status: "stopped",
      at: new Date("2026-02-17T10:05:00.250Z"),
      reason: "Interrupted",
    });
    assert.deepEqual(await readRunFile(path), {
      ...RUN,
      status: "stopped",
      ended_at: "2026-02-17T10:05:00Z",
      end_reason: "Interrupted",
    });
    await setRunStatus(path, { status: "running" });
    assert.deepEqual(await readRunFile(path), RUN);
  });
});

Deno.test("setRunStatusUnder() ends the runs of a --runs=N directory still running", async () => {
  await withTempDir(async (dir) => {
    for (const n of [1, 2, 10]) {
      await Deno.mkdir(join(dir, `run-${n}`));
      await writeRunFile(join(dir, `run-${n}`, "run.json"), RUN);
    }
    await Deno.mkdir(join(dir, "other"));
    await writeRunFile(join(dir, "other", "run.json"), RUN);
    assert.deepEqual(
      (await findRunFiles(dir)).map((p) => p.slice(dir.length + 1)),
      ["run-1/run.json", "run-2/run.json", "run-10/run.json"],
    );
    await setRunStatus(join(dir, "run-1", "run.json"), { status: "failed" });
    const changed = await setRunStatusUnder(dir, { status: "finished" });
    assert.equal(changed.length, 2);
    const statuses = await Promise.all(
      (await findRunFiles(dir)).map(async (p) => (await readRunFile(p)).status),
    );
    assert.deepEqual(statuses, ["failed", "finished", "finished"]);
    assert.deepEqual(await findRunFiles(join(dir, "missing")), []);
  });
});

Deno.test("readRunFile() never reads through a symlink: a run.json pointed outside is refused unquoted", async () => {
  await withTempDir(async (dir) => {
    const outside = join(dir, "outside.txt");
    await Deno.writeTextFile(outside, "SECRET-TOKEN=abc123, not JSON");
    const run = join(dir, "run");
    await Deno.mkdir(run);
    const path = join(run, "run.json");
    await Deno.symlink(outside, path);
    for (
      const read of [
        () => readRunFile(path),
        () => setRunStatusUnder(run, { status: "finished" }),
      ]
    ) {
      await assert.rejects(read(), (error: Error) => {
        assert.match(error.message, /Cannot read run file '.*run\.json'/);
        assert.match(error.message, /a symlink is never read through/);
        assert.ok(!error.message.includes("SECRET"), error.message);
        return true;
      });
    }
    assert.equal(
      await Deno.readTextFile(outside),
      "SECRET-TOKEN=abc123, not JSON",
    );
    await assert.rejects(
      readRunFile(join(run, "none.json")),
      /Cannot read run file '.*none\.json'/,
    );
  });
});
