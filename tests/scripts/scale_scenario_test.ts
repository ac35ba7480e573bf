/**
 * The scale generator: deterministic, loadable, and of the promised shapes.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateScaleScenario } from "../../scripts/scale_scenario.ts";
import { loadScenario } from "../../src/scenario/load_scenario.ts";
import { parseScenario } from "../../src/scenario/parse_scenario.ts";
import { errorSignature } from "../../src/briefing/error_signature.ts";
import { withTempDir } from "../support/temp_dir.ts";

Deno.test("the scale generator is deterministic for a given size and seed", () => {
  const a = generateScaleScenario({ cases: 300, seed: 7 });
  assert.deepEqual(generateScaleScenario({ cases: 300, seed: 7 }), a);
  assert.notDeepEqual(generateScaleScenario({ cases: 300, seed: 8 }), a);
  assert.equal(a.cases.length, 300);
  assert.equal(generateScaleScenario({ cases: 1 }).cases.length, 1);
});

Deno.test("a scale scenario loads and has groups, recall hits, duplicates and flake skips", () => {
  const scenario = parseScenario(
    generateScaleScenario({ cases: 200 }),
    "scale-200",
  );
  assert.equal(scenario.cases.length, 200);
  const byRca = Map.groupBy(
    scenario.cases.filter((c) => c.rca_id !== ""),
    (c) => c.rca_id,
  );
  assert.ok(byRca.size > 10, `${byRca.size} root causes`);
  for (const [rca, cases] of byRca) {
    assert.ok(cases.length >= 2, `RCA ${rca} has ${cases.length} case(s)`);
    assert.equal(
      cases.filter((c) =>
        c.expected_path.includes("F3") && !c.expected_correlate?.is_duplicate
      ).length,
      1,
      `RCA ${rca} has one investigating case`,
    );
  }
  const recalls = scenario.cases.filter((c) => c.expect_recall_hit);
  const duplicates = scenario.cases.filter((c) =>
    c.expected_correlate?.is_duplicate
  );
  const flakes = scenario.cases.filter((c) =>
    c.expect_skip && c.expected_triage?.symptom_category === "flake"
  );
  assert.ok(
    recalls.length > 20 && duplicates.length > 10 && flakes.length > 10,
  );
  // A recall hit fails like its group's first case, and like no other group.
  const signatures = new Map(
    scenario.cases.map((c) => [c.id, errorSignature(c.error_message)]),
  );
  for (const hit of recalls) {
    const first = byRca.get(hit.rca_id)![0];
    assert.equal(signatures.get(hit.id), signatures.get(first.id));
  }
  const firsts = [...byRca.values()].map((cases) =>
    signatures.get(cases[0].id)
  );
  assert.equal(new Set(firsts).size, firsts.length);
});

Deno.test("the scale generator refuses a size that is not a positive integer", () => {
  assert.throws(
    () => generateScaleScenario({ cases: 0 }),
    /Cannot generate a scale scenario of 0 cases: expected a positive integer/,
  );
});

Deno.test("the scale generator's CLI writes a scenario file that loads", async () => {
  await withTempDir(async (dir) => {
    const out = join(dir, "scale.json");
    const script = fileURLToPath(
      new URL("../../scripts/scale_scenario.ts", import.meta.url),
    );
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        `--allow-write=${dir}`,
        script,
        "--cases=50",
        "--seed=3",
        `--out=${out}`,
      ],
      stdout: "null",
      stderr: "inherit",
    }).output();
    assert.equal(code, 0);
    const scenario = await loadScenario(out);
    assert.equal(scenario.cases.length, 50);
    assert.deepEqual(
      JSON.parse(await Deno.readTextFile(out)),
      generateScaleScenario({ cases: 50, seed: 3 }),
    );
  });
});
