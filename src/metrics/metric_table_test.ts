import assert from "node:assert/strict";
import { METRIC_GROUPS, type MetricId } from "../core/metric.ts";
import { METRIC_TABLE, metricDefinition } from "./metric_table.ts";

Deno.test("METRIC_TABLE has one entry per metric, M1 … M20 in order", () => {
  assert.deepEqual(
    METRIC_TABLE.map((d) => d.id),
    Array.from({ length: 20 }, (_, i) => `M${i + 1}`),
  );
  assert.equal(new Set(METRIC_TABLE.map((d) => d.name)).size, 20);
});

Deno.test("METRIC_TABLE sections follow the report's group order", () => {
  const order = METRIC_TABLE.map((d) => METRIC_GROUPS.indexOf(d.section));
  assert.ok(order.every((v, i) => v >= 0 && (i === 0 || v >= order[i - 1])));
  assert.deepEqual(
    [...new Set(METRIC_TABLE.map((d) => d.section))],
    [...METRIC_GROUPS],
  );
});

Deno.test("METRIC_TABLE entries carry a formula, a population and a range only for range metrics", () => {
  for (const d of METRIC_TABLE) {
    assert.ok(d.formula.length > 0, d.id);
    assert.ok(d.population.length > 0, d.id);
    assert.equal(d.range !== undefined, d.direction === "range", d.id);
  }
  assert.deepEqual(metricDefinition("M17").range, { min: 0.5, max: 2.0 });
});

Deno.test("metricDefinition() names the unknown id", () => {
  assert.throws(
    () => metricDefinition("M21" as MetricId),
    /Unknown metric id "M21"/,
  );
});
