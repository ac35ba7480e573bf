import assert from "node:assert/strict";
import { join } from "node:path";
import { readOwnTextFileSync } from "./read_own_file.ts";
import { usingTempDir } from "../../tests/support/temp_dir.ts";

Deno.test("readOwnTextFileSync reads a regular file whole, and nothing through a symlink", async () => {
  await using dir = await usingTempDir();
  const file = join(dir.path, "claim.json");
  const long = `${"é".repeat(6000)}\n`;
  Deno.writeTextFileSync(file, long);
  assert.deepEqual(readOwnTextFileSync(file), { kind: "text", text: long });
  Deno.writeTextFileSync(join(dir.path, "empty.json"), "");
  assert.deepEqual(readOwnTextFileSync(join(dir.path, "empty.json")), {
    kind: "text",
    text: "",
  });
  Deno.symlinkSync(file, join(dir.path, "link.json"));
  Deno.symlinkSync(join(dir.path, "none"), join(dir.path, "dangling.json"));
  Deno.mkdirSync(join(dir.path, "dir.json"));
  for (const name of ["link.json", "dangling.json", "dir.json"]) {
    assert.deepEqual(readOwnTextFileSync(join(dir.path, name)), {
      kind: "other",
    }, name);
  }
  assert.deepEqual(readOwnTextFileSync(join(dir.path, "missing.json")), {
    kind: "missing",
  });
  assert.deepEqual(readOwnTextFileSync(join(dir.path, "none", "x.json")), {
    kind: "missing",
  });
});
