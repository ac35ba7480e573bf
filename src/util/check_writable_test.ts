import assert from "node:assert/strict";
import { join } from "node:path";
import { checkWritable, writeProbePath } from "./check_writable.ts";
import { withTempDir } from "../../tests/support/temp_dir.ts";

Deno.test("checkWritable() accepts new and existing files and leaves them as they were", async () => {
  await withTempDir(async (dir) => {
    const existing = join(dir, "old.json");
    await Deno.writeTextFile(existing, "keep");
    const fresh = join(dir, "new.json");
    assert.deepEqual(await checkWritable([existing, fresh]), []);
    assert.equal(await Deno.readTextFile(existing), "keep");
    await assert.rejects(Deno.stat(fresh), Deno.errors.NotFound);
  });
});

Deno.test("checkWritable() names each path that cannot be written", async () => {
  await withTempDir(async (dir) => {
    const missing = join(dir, "no", "report.json");
    assert.deepEqual(await checkWritable([dir, missing]), [
      { path: dir, reason: "it is a directory" },
      { path: missing, reason: "its directory does not exist" },
    ]);
  });
});

Deno.test("checkWritable() with writeProbePath(): two checks of one directory in one process never share a probe", async () => {
  await withTempDir(async (dir) => {
    assert.notEqual(writeProbePath(dir), writeProbePath(dir));
    // A responder and a calibrate run in one process check the run
    // directory at the same moment: neither may remove the other's probe.
    const results = await Promise.all(
      Array.from({ length: 8 }, () => checkWritable([writeProbePath(dir)])),
    );
    assert.deepEqual(results, Array.from({ length: 8 }, () => []));
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});
