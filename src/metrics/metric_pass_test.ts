import assert from "node:assert/strict";
import type { MetricId } from "../core/metric.ts";
import { PASS_DIRECTIONS, PASS_RANGE, passes } from "./metric_pass.ts";

const IDS: MetricId[] = Array.from(
  { length: 20 },
  (_, i) => `M${i + 1}` as MetricId,
);

Deno.test("PASS_DIRECTIONS marks M4, M18 and M20 at most, M17 range, the rest at least", () => {
  const byDirection = { ...Object.groupBy(IDS, (id) => PASS_DIRECTIONS[id]) };
  assert.deepEqual(byDirection, {
    at_most: ["M4", "M18", "M20"],
    range: ["M17"],
    at_least: IDS.filter((id) => !["M4", "M17", "M18", "M20"].includes(id)),
  });
  assert.deepEqual(PASS_RANGE, { min: 0.5, max: 2.0 });
});

Deno.test("passes() requires at least the threshold for higher-is-better metrics", () => {
  assert.equal(passes("M1", 0.8, 0.8), true);
  assert.equal(passes("M1", 0.81, 0.8), true);
  assert.equal(passes("M1", 0.79, 0.8), false);
  assert.equal(passes("M8", -0.5, 0.4), false);
  assert.equal(passes("M19", 0.65, 0.65), true);
});

Deno.test("passes() requires at most the threshold for M4, M18 and M20", () => {
  for (
    const [id, threshold] of [["M4", 0.1], ["M18", 60000], [
      "M20",
      0.15,
    ]] as const
  ) {
    assert.equal(passes(id, threshold, threshold), true, id);
    assert.equal(passes(id, 0, threshold), true, id);
    assert.equal(passes(id, threshold * 1.01, threshold), false, id);
  }
});

Deno.test("passes() requires M17 inside 0.5–2.0 whatever its threshold", () => {
  assert.equal(passes("M17", 0.5, 1), true);
  assert.equal(passes("M17", 1, 1), true);
  assert.equal(passes("M17", 2, 1), true);
  assert.equal(passes("M17", 0.49, 1), false);
  assert.equal(passes("M17", 2.01, 1), false);
  assert.equal(passes("M17", 1.5, 100), true);
});

Deno.test("passes() never passes NaN", () => {
  for (const id of IDS) assert.equal(passes(id, NaN, 0.5), false, id);
});
