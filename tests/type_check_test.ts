/**
 * The type check as a test: `deno task test` runs the tests without checking
 * them first (`--no-check`) and checks src, tests and scripts here, alongside
 * the other test modules, so a type error is a failed test that CI counts.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

Deno.test("src, tests and scripts type-check", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", "src", "tests", "scripts"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stderr) +
    new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 0, `deno check failed:\n${text}`);
});
