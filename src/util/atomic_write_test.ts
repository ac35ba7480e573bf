import assert from "node:assert/strict";
import { join } from "node:path";
import { atomicWriteTextFileSync } from "./atomic_write.ts";
import { withTempDir } from "../../tests/support/temp_dir.ts";

Deno.test("atomicWriteTextFileSync writes through a temporary file in tempDir, leaving none behind", async () => {
  await withTempDir(async (dir) => {
    const caseDir = join(dir, "1", "2");
    await Deno.mkdir(caseDir, { recursive: true });
    const path = join(caseDir, "artifact.json");
    atomicWriteTextFileSync(path, "old");
    atomicWriteTextFileSync(path, "new", { tempDir: join(dir, "1") });
    assert.equal(await Deno.readTextFile(path), "new");
    assert.deepEqual(
      [...Deno.readDirSync(join(dir, "1"))].map((e) => e.name),
      ["2"],
    );
    assert.deepEqual(
      [...Deno.readDirSync(caseDir)].map((e) => e.name),
      ["artifact.json"],
    );
  });
});

Deno.test("atomicWriteTextFileSync fails without a trace when the temporary file cannot be renamed", async () => {
  await withTempDir(async (dir) => {
    const tempDir = join(dir, "temp");
    await Deno.mkdir(tempDir);
    // The target's directory is missing: the rename fails after the write.
    assert.throws(
      () =>
        atomicWriteTextFileSync(join(dir, "missing", "a.json"), "x", {
          tempDir,
        }),
      Deno.errors.NotFound,
    );
    assert.deepEqual([...Deno.readDirSync(tempDir)], []);
  });
});

Deno.test("atomicWriteTextFileSync with removeFirst replaces the file without renaming over it", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "state.json");
    atomicWriteTextFileSync(path, "new", { removeFirst: true });
    assert.equal(await Deno.readTextFile(path), "new");
    const before = Deno.statSync(path).ino;
    atomicWriteTextFileSync(path, "newer", { removeFirst: true });
    assert.equal(await Deno.readTextFile(path), "newer");
    assert.notEqual(Deno.statSync(path).ino, before);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [
      "state.json",
    ]);
  });
});
