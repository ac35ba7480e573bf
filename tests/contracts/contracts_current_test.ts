import assert from "node:assert/strict";
import { join } from "node:path";
import {
  CONTRACTS_DIR,
  generatedContracts,
} from "../../scripts/generate_contracts.ts";

Deno.test("contracts/schemas/ is current (regenerate with `deno task contracts`)", async () => {
  const contracts = generatedContracts();
  // Seven artifact schemas, the report, the comparison and run.json.
  assert.equal(contracts.size, 10);
  for (const [path, expected] of contracts) {
    const actual = await Deno.readTextFile(join(CONTRACTS_DIR, path)).catch(
      (error: unknown) => {
        if (error instanceof Deno.errors.NotFound) return undefined;
        throw error;
      },
    );
    assert.equal(
      actual,
      expected,
      `contracts/${path} is stale or missing: run \`deno task contracts\``,
    );
  }
  const listed = [...Deno.readDirSync(join(CONTRACTS_DIR, "schemas"))]
    .map((e) => join("schemas", e.name)).sort();
  assert.deepEqual(listed, [...contracts.keys()].sort());
});
