import assert from "node:assert/strict";
import { join } from "node:path";
import {
  atomicWriteTextFileOffThread,
  atomicWriteTextFileSync,
} from "./atomic_write.ts";
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

Deno.test("atomicWriteTextFileOffThread replaces the file by a rename, leaving no temporary file", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "batch-manifest.json");
    await atomicWriteTextFileOffThread(path, "old");
    const before = Deno.statSync(path).ino;
    await atomicWriteTextFileOffThread(path, "new");
    assert.equal(await Deno.readTextFile(path), "new");
    assert.notEqual(Deno.statSync(path).ino, before);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [
      "batch-manifest.json",
    ]);
    // A directory in the way fails the rename; the temporary file goes.
    const blocked = join(dir, "blocked");
    await Deno.mkdir(join(blocked, "inner"), { recursive: true });
    await assert.rejects(atomicWriteTextFileOffThread(blocked, "x"));
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
      ["batch-manifest.json", "blocked"],
    );
  });
});
