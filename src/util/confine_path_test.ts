import assert from "node:assert/strict";
import { join } from "node:path";
import {
  confinePath,
  confinePathSync,
  lstatConfinedSync,
  lstatInCheckedDirSync,
  PathConfinementError,
} from "./confine_path.ts";
import { withTempDir } from "../../tests/support/temp_dir.ts";

Deno.test("confinePath accepts paths inside the root, existing or not", async () => {
  await withTempDir(async (root) => {
    await Deno.mkdir(join(root, "C1"));
    assert.equal(
      await confinePath(root, join(root, "C1", "a.json")),
      join(root, "C1", "a.json"),
    );
    assert.equal(
      await confinePath(root, join(root, "new", "deep", "b.json")),
      join(root, "new", "deep", "b.json"),
    );
  });
});

Deno.test("confinePath refuses '..', symlinked directories and symlinked files", async () => {
  await withTempDir(async (dir) => {
    const root = join(dir, "run");
    const outside = join(dir, "outside");
    await Deno.mkdir(join(root, "C1"), { recursive: true });
    await Deno.mkdir(outside);
    await Deno.writeTextFile(join(outside, "secret.txt"), "secret");
    await Deno.symlink(outside, join(root, "C2"));
    await Deno.symlink(join(outside, "secret.txt"), join(root, "C1", "a.json"));
    await assert.rejects(
      confinePath(root, join(root, "C1", "..", "..", "run.json")),
      PathConfinementError,
    );
    await assert.rejects(
      confinePath(root, join(root, "C2", "signal.json")),
      (error: Error) =>
        error instanceof PathConfinementError &&
        error.message.includes("a symlink leads it to"),
    );
    await assert.rejects(
      confinePath(root, join(root, "C1", "a.json")),
      PathConfinementError,
    );
    // A dangling symlink inside the root is refused too.
    await Deno.symlink(join(outside, "later.txt"), join(root, "C1", "b.json"));
    await assert.rejects(
      confinePath(root, join(root, "C1", "b.json")),
      /it is a symlink/,
    );
  });
});

Deno.test("confinePath follows a symlinked root itself", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(join(dir, "real", "C1"), { recursive: true });
    await Deno.symlink(join(dir, "real"), join(dir, "link"));
    const root = join(dir, "link");
    assert.equal(
      await confinePath(root, join(root, "C1", "x.json")),
      join(root, "C1", "x.json"),
    );
  });
});

Deno.test("lstatConfinedSync returns the check's lstat and whether the directory exists", async () => {
  await withTempDir(async (root) => {
    await Deno.mkdir(join(root, "1", "C1"), { recursive: true });
    await Deno.writeTextFile(join(root, "1", "C1", "a.json"), "{}");
    const found = lstatConfinedSync(root, join(root, "1", "C1", "a.json"));
    assert.equal(found.info?.isFile, true);
    assert.equal(found.info?.size, 2);
    assert.equal(found.dirExists, true);
    const missing = lstatConfinedSync(root, join(root, "1", "C1", "b.json"));
    assert.equal(missing.info, undefined);
    assert.equal(missing.dirExists, true);
    const noDir = lstatConfinedSync(root, join(root, "1", "C2", "b.json"));
    assert.equal(noDir.info, undefined);
    assert.equal(noDir.dirExists, undefined);
    // Directly under the root: the root itself is not looked at.
    assert.equal(
      lstatConfinedSync(root, join(root, "x.json")).dirExists,
      undefined,
    );
  });
});

Deno.test("lstatInCheckedDirSync looks at the path alone: missing, a file, or a refused symlink", async () => {
  await withTempDir(async (root) => {
    const file = join(root, "a.json");
    assert.equal(lstatInCheckedDirSync(root, file), undefined);
    await Deno.writeTextFile(file, "{}");
    assert.equal(lstatInCheckedDirSync(root, file)?.isFile, true);
    await Deno.symlink(file, join(root, "b.json"));
    assert.throws(
      () => lstatInCheckedDirSync(root, join(root, "b.json")),
      (error: Error) =>
        error instanceof PathConfinementError &&
        /it is a symlink/.test(error.message),
    );
  });
});

Deno.test("confinePathSync resolves unresolved paths and roots like resolve: '.', '..', '//', trailing '/', relative", async () => {
  await withTempDir(async (root) => {
    await Deno.mkdir(join(root, "C1"));
    await Deno.mkdir(join(root, "C2"));
    const expected = join(root, "C2", "x.json");
    for (
      const path of [
        `${root}/C1/../C2/x.json`,
        `${root}//C2/./x.json`,
        `${root}/C2/x.json/`,
        `${root}/./C2//x.json`,
      ]
    ) {
      assert.equal(confinePathSync(root, path), expected, path);
    }
    assert.equal(confinePathSync(`${root}/`, expected), expected);
    assert.equal(confinePathSync(`${root}/C1/..`, expected), expected);
    assert.throws(
      () => confinePathSync(root, `${root}/C1/../../x.json`),
      /it leaves the directory/,
    );
    // A relative root and path resolve against the working directory.
    const cwd = Deno.cwd();
    Deno.chdir(root);
    try {
      assert.equal(confinePathSync(".", "C2/x.json"), expected);
      assert.equal(confinePathSync("C2", "x.json"), expected);
    } finally {
      Deno.chdir(cwd);
    }
  });
});
