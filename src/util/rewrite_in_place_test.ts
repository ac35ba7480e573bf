import assert from "node:assert/strict";
import { join } from "node:path";
import { rewriteInPlaceSync } from "./rewrite_in_place.ts";
import { withTempDir } from "../../tests/support/temp_dir.ts";

Deno.test("rewriteInPlaceSync rewrites an existing file through its own inode, shorter or longer", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "state.json");
    Deno.writeTextFileSync(path, "a much longer first version\n");
    const ino = Deno.statSync(path).ino;
    assert.equal(rewriteInPlaceSync(path, "short\n"), true);
    assert.equal(Deno.readTextFileSync(path), "short\n");
    assert.equal(rewriteInPlaceSync(path, "a longer second version\n"), true);
    assert.equal(Deno.readTextFileSync(path), "a longer second version\n");
    assert.equal(Deno.statSync(path).ino, ino);
    return Promise.resolve();
  });
});

Deno.test("rewriteInPlaceSync leaves alone a missing file, a symlink and a file with a second hard link", async () => {
  await withTempDir((dir) => {
    assert.equal(rewriteInPlaceSync(join(dir, "missing.json"), "x"), false);
    const outside = join(dir, "outside.json");
    Deno.writeTextFileSync(outside, "keep");
    const symlink = join(dir, "symlink.json");
    Deno.symlinkSync(outside, symlink);
    assert.equal(rewriteInPlaceSync(symlink, "x"), false);
    const hardLink = join(dir, "hard-link.json");
    Deno.linkSync(outside, hardLink);
    assert.equal(rewriteInPlaceSync(hardLink, "x"), false);
    assert.equal(Deno.readTextFileSync(outside), "keep");
    return Promise.resolve();
  });
});
