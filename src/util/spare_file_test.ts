import assert from "node:assert/strict";
import { join } from "node:path";
import { SpareFile } from "./spare_file.ts";
import { usingTempDir } from "../../tests/support/temp_dir.ts";

function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("SpareFile.writeNew takes the prepared spare's inode and leaves nothing behind", async () => {
  await using temp = await usingTempDir();
  const spare = new SpareFile(temp.path);
  await spare.prepare();
  const [made] = names(temp.path);
  assert.match(made, /^\.spare\.[0-9a-f]{8}\.tmp$/);
  const ino = Deno.statSync(join(temp.path, made)).ino;
  Deno.mkdirSync(join(temp.path, "case"));
  const path = join(temp.path, "case", "answer.json");
  spare.writeNew(path, "{}\n");
  assert.equal(Deno.readTextFileSync(path), "{}\n");
  assert.equal(Deno.statSync(path).ino, ino);
  // Used up: the next write makes its own temporary file.
  spare.writeNew(join(temp.path, "case", "second.json"), "[]\n");
  assert.equal(
    Deno.readTextFileSync(join(temp.path, "case", "second.json")),
    "[]\n",
  );
  await spare.dispose();
  assert.deepEqual(names(temp.path), ["case"]);
});

Deno.test("SpareFile never writes through a spare an agent replaced with a symlink", async () => {
  await using temp = await usingTempDir();
  const outside = join(temp.path, "outside.txt");
  Deno.writeTextFileSync(outside, "precious");
  const dir = join(temp.path, "run");
  Deno.mkdirSync(dir);
  const spare = new SpareFile(dir);
  await spare.prepare();
  const [made] = names(dir);
  Deno.removeSync(join(dir, made));
  Deno.symlinkSync(outside, join(dir, made));
  spare.writeNew(join(dir, "answer.json"), "{}\n");
  assert.equal(Deno.readTextFileSync(outside), "precious");
  assert.equal(Deno.readTextFileSync(join(dir, "answer.json")), "{}\n");
});

Deno.test("SpareFile.dispose removes a spare still being made, and prepare makes one at most", async () => {
  await using temp = await usingTempDir();
  const spare = new SpareFile(temp.path);
  const first = spare.prepare();
  const second = spare.prepare();
  await Promise.all([first, second]);
  await spare.prepare();
  assert.equal(names(temp.path).length, 1);
  void spare.prepare();
  await spare.dispose();
  assert.deepEqual(names(temp.path), []);
});

Deno.test("SpareFile.prepare in a missing directory makes nothing and writeNew still writes", async () => {
  await using temp = await usingTempDir();
  const spare = new SpareFile(join(temp.path, "missing"));
  await spare.prepare();
  Deno.mkdirSync(join(temp.path, "missing"));
  spare.writeNew(join(temp.path, "missing", "a.json"), "1\n");
  assert.equal(
    Deno.readTextFileSync(join(temp.path, "missing", "a.json")),
    "1\n",
  );
  assert.deepEqual(names(join(temp.path, "missing")), ["a.json"]);
});
