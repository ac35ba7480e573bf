import assert from "node:assert/strict";
import { join } from "node:path";
import { loadScenario } from "../../src/scenario/load_scenario.ts";
import { ScenarioError } from "../../src/scenario/scenario_error.ts";
import { withTempDir } from "../support/temp_dir.ts";
import ptpMock from "../../src/scenario/data/ptp_mock.json" with {
  type: "json",
};

async function loadError(path: string): Promise<ScenarioError> {
  try {
    await loadScenario(path);
  } catch (error) {
    assert.ok(error instanceof ScenarioError, String(error));
    return error;
  }
  assert.fail(`'${path}' loaded`);
}

Deno.test("5,000 levels of nesting give a clear scenario error naming the file", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "deep.json");
    const deep = "[".repeat(5_000) + "]".repeat(5_000);
    await Deno.writeTextFile(path, `{"name": "deep", "cases": ${deep}}`);
    const error = await loadError(path);
    assert.match(
      error.message,
      /^Cannot load scenario '.*deep\.json': arrays and objects nest deeper than 64 levels/,
    );
    assert.doesNotMatch(error.message, /call stack/);
  });
});

Deno.test("a byte-order mark is accepted; invalid UTF-8 is refused naming the file", async () => {
  await withTempDir(async (dir) => {
    const bom = join(dir, "bom.json");
    await Deno.writeTextFile(bom, `\uFEFF${JSON.stringify(ptpMock)}`);
    assert.equal((await loadScenario(bom)).name, ptpMock.name);

    const bad = join(dir, "latin1.json");
    const text = new TextEncoder().encode(JSON.stringify(ptpMock));
    const bytes = new Uint8Array([
      ...text.slice(0, 20),
      0xe9,
      ...text.slice(20),
    ]);
    await Deno.writeFile(bad, bytes);
    const error = await loadError(bad);
    assert.match(error.message, /latin1\.json': the file is not valid UTF-8/);
  });
});

Deno.test("20,000 problems print at most 50 lines and a count", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "flood.json");
    await Deno.writeTextFile(
      path,
      JSON.stringify({ ...ptpMock, cases: Array(20_000).fill(1) }),
    );
    const error = await loadError(path);
    const lines = error.message.split("\n");
    assert.ok(error.problems.length >= 20_000, String(error.problems.length));
    assert.equal(lines.length, 51);
    assert.match(lines[50], /flood\.json': \d+ more problems not shown$/);
    assert.ok(error.message.length < 20_000, `${error.message.length} chars`);
  });
});
