import assert from "node:assert/strict";
import { join } from "node:path";
import { recyclingPaths, recyclingWriteSync } from "./recycling_write.ts";
import { usingTempDir } from "../../tests/support/temp_dir.ts";

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);

function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("recyclingWriteSync replaces the file through two inodes that take turns", async () => {
  await using temp = await usingTempDir();
  const dir = temp.path;
  const path = join(dir, "signal.json");
  const { spare } = recyclingPaths(path);
  recyclingWriteSync(path, bytes("first, a longer text"));
  recyclingWriteSync(path, bytes("second"));
  const inodes = new Set([Deno.statSync(path).ino, Deno.statSync(spare).ino]);
  assert.equal(inodes.size, 2);
  for (const text of ["third", "fourth, longer than the others", "5"]) {
    recyclingWriteSync(path, bytes(text));
    assert.equal(Deno.readTextFileSync(path), text);
    assert.ok(inodes.has(Deno.statSync(path).ino));
    assert.ok(inodes.has(Deno.statSync(spare).ino));
  }
  assert.deepEqual(names(dir), [".signal.json.spare", "signal.json"]);
});

Deno.test("recyclingWriteSync never writes through a spare that is a symlink or has another link", async () => {
  await using temp = await usingTempDir();
  const dir = temp.path;
  const outside = join(dir, "outside.txt");
  Deno.writeTextFileSync(outside, "precious");
  const caseDir = join(dir, "case");
  Deno.mkdirSync(caseDir);
  const path = join(caseDir, "signal.json");
  const { spare } = recyclingPaths(path);

  Deno.symlinkSync(outside, spare);
  recyclingWriteSync(path, bytes("one"));
  recyclingWriteSync(path, bytes("two"));
  assert.equal(Deno.readTextFileSync(outside), "precious");
  assert.equal(Deno.readTextFileSync(path), "two");

  Deno.removeSync(spare);
  Deno.linkSync(outside, spare);
  recyclingWriteSync(path, bytes("three"));
  assert.equal(Deno.readTextFileSync(outside), "precious");
  assert.equal(Deno.readTextFileSync(path), "three");
});

Deno.test("recyclingWriteSync recovers from a write interrupted between its renames", async () => {
  await using temp = await usingTempDir();
  const dir = temp.path;
  const path = join(dir, "signal.json");
  const { spare, keep } = recyclingPaths(path);
  recyclingWriteSync(path, bytes("one"));
  recyclingWriteSync(path, bytes("two"));
  // As left by a process killed after the spare's rename: the kept file
  // has not become the spare yet.
  Deno.renameSync(spare, keep);
  recyclingWriteSync(path, bytes("three"));
  recyclingWriteSync(path, bytes("four"));
  assert.equal(Deno.readTextFileSync(path), "four");
  assert.deepEqual(names(dir), [".signal.json.spare", "signal.json"]);
  assert.equal(Deno.lstatSync(spare).nlink, 1);
});

Deno.test("recyclingWriteSync fails on a directory in the file's place and leaves the file system usable", async () => {
  await using temp = await usingTempDir();
  const dir = temp.path;
  const path = join(dir, "signal.json");
  Deno.mkdirSync(path);
  assert.throws(() => recyclingWriteSync(path, bytes("x")));
  Deno.removeSync(path);
  recyclingWriteSync(path, bytes("y"));
  assert.equal(Deno.readTextFileSync(path), "y");
});
