/**
 * `deno task contracts`: writes the generated contracts, the JSON Schema of
 * every step's artifact data, of the JSON report, of the JSON comparison and of `run.json`, into `contracts/schemas/`. The test
 * `tests/contracts/contracts_current_test.ts` fails when they are stale.
 *
 * Usage: deno task contracts
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ARTIFACT_JSON_SCHEMAS } from "../src/pipeline/artifact_json_schemas.ts";
import { PIPELINE_STEPS } from "../src/pipeline/step.ts";
import { jsonComparisonJsonSchema } from "../src/report/comparison_schema.ts";
import { jsonReportJsonSchema } from "../src/report/json_report_schema.ts";
import { runFileJsonSchema } from "../src/runner/run_file.ts";

/** The repository's `contracts/` directory. */
export const CONTRACTS_DIR: string = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "contracts",
);

/** Every generated contract: path relative to `contracts/` → file text. */
export function generatedContracts(): ReadonlyMap<string, string> {
  return new Map([
    ...PIPELINE_STEPS.map((step): [string, string] => [
      join("schemas", `${step}.schema.json`),
      JSON.stringify(ARTIFACT_JSON_SCHEMAS[step], null, 2) + "\n",
    ]),
    [
      join("schemas", "report.schema.json"),
      JSON.stringify(jsonReportJsonSchema(), null, 2) + "\n",
    ],
    [
      join("schemas", "comparison.schema.json"),
      JSON.stringify(jsonComparisonJsonSchema(), null, 2) + "\n",
    ],
    [
      join("schemas", "run.schema.json"),
      JSON.stringify(runFileJsonSchema(), null, 2) + "\n",
    ],
  ]);
}

if (import.meta.main) {
  for (const [path, text] of generatedContracts()) {
    const target = join(CONTRACTS_DIR, path);
    await Deno.mkdir(dirname(target), { recursive: true });
    await Deno.writeTextFile(target, text);
    console.log(`wrote contracts/${path}`);
  }
}
