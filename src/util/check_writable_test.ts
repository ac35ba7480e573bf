import assert from "node:assert/strict";
import { join } from "node:path";
import { checkWritable } from "./check_writable.ts";
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
