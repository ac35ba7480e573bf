import assert from "node:assert/strict";
import {
  groundTruthAnswer,
  type GroundTruthKnowledge,
} from "./ground_truth.ts";
import {
  trustAnswer,
  trustedArtifact,
  trustedArtifactOf,
} from "../pipeline/trusted_artifact.ts";
import { parseArtifact } from "../pipeline/artifact_schemas.ts";
import { PIPELINE_STEPS } from "../pipeline/step.ts";
import { loadScenario } from "../scenario/load_scenario.ts";
import { parseScenario } from "../scenario/parse_scenario.ts";
import type { Scenario } from "../scenario/scenario_schema.ts";
import { generateScaleScenario } from "../../scripts/scale_scenario.ts";
import {
  HAS_UPSTREAM_DATASETS,
  UPSTREAM_DATASETS,
  upstreamDataset,
} from "../../tests/support/upstream_datasets.ts";

/** Knowledge where case Cn has store id n, linked to `linked` ids or none. */
function knowledge(linked: boolean): GroundTruthKnowledge {
  return {
    links: (id) => {
      const n = Number(id.replace(/\D/g, "")) || 1;
      return Promise.resolve({
        storeCaseId: n,
        symptomId: linked ? n + 1 : 0,
        rcaId: linked ? n + 2 : 0,
      });
    },
  };
}

async function assertTrustedEqualsParsed(scenario: Scenario): Promise<number> {
  let checked = 0;
  for (const linked of [false, true]) {
    for (const gt of scenario.cases) {
      for (const step of PIPELINE_STEPS) {
        const data = await groundTruthAnswer(
          scenario,
          { caseId: gt.id, step },
          knowledge(linked),
        );
        const trusted = trustedArtifact(step, data);
        let parsed: unknown;
        try {
          parsed = parseArtifact(step, data, { name: `${gt.id} ${step}` });
        } catch {
          // An answer the schema refuses must not be trusted either.
          assert.equal(trusted, undefined, `${gt.id} ${step}`);
          continue;
        }
        assert.ok(trusted !== undefined, `${gt.id} ${step} not trusted`);
        assert.deepStrictEqual(trusted, parsed, `${gt.id} ${step}`);
        assert.deepStrictEqual(
          Object.keys(trusted),
          Object.keys(parsed as object),
          `${gt.id} ${step} key order`,
        );
        checked++;
      }
    }
  }
  return checked;
}

Deno.test("trusted oracle artifacts equal the parsed ones (ptp-mock, a scale scenario)", async () => {
  const ptp = await assertTrustedEqualsParsed(await loadScenario("ptp-mock"));
  const scale = await assertTrustedEqualsParsed(
    parseScenario(generateScaleScenario({ cases: 120 }), "scale-120"),
  );
  assert.equal(ptp, 12 * 7 * 2);
  assert.equal(scale, 120 * 7 * 2);
});

Deno.test({
  name: "trusted oracle artifacts equal the parsed ones (the Go datasets)",
  ignore: !HAS_UPSTREAM_DATASETS,
  async fn() {
    for (const name of UPSTREAM_DATASETS) {
      const checked = await assertTrustedEqualsParsed(
        await loadScenario(upstreamDataset(name)),
      );
      assert.ok(checked > 0, name);
    }
  },
});

Deno.test("answers the fast path does not take are left to the schema", () => {
  assert.equal(trustedArtifact("F0_RECALL", { match: "yes" }), undefined);
  assert.equal(trustedArtifact("F0_RECALL", { confidence: 1.5 }), undefined);
  assert.equal(trustedArtifact("F0_RECALL", { Match: true }), undefined);
  assert.equal(trustedArtifact("F1_TRIAGE", { severity: null }), undefined);
  assert.equal(
    trustedArtifact("F2_RESOLVE", { selected_repos: [{ name: "" }] }),
    undefined,
  );
  assert.equal(
    trustedArtifact("F4_CORRELATE", { linked_rca_id: -1 }),
    undefined,
  );
  assert.equal(
    trustedArtifact("F5_REVIEW", { decision: "overturn", human_override: {} }),
    undefined,
  );
});

Deno.test("a trusted answer is found for its own data only, which is frozen", () => {
  const data = trustAnswer("F1_TRIAGE", {
    symptom_category: "product",
    candidate_repos: ["a"],
  });
  assert.equal(
    trustedArtifactOf("F1_TRIAGE", data)?.symptom_category,
    "product",
  );
  assert.equal(trustedArtifactOf("F0_RECALL", data), undefined);
  assert.equal(trustedArtifactOf("F1_TRIAGE", { ...data }), undefined);
  assert.throws(() => {
    (data.candidate_repos as string[]).push("b");
  }, TypeError);
});
