import assert from "node:assert/strict";
import { aggregateRuns } from "./aggregate_runs.ts";
import {
  allMetrics,
  type Metric,
  METRIC_GROUPS,
  type MetricId,
  type MetricSet,
} from "../core/metric.ts";

// --- factories ---

/** Name, threshold and group of every metric, in report order. */
const DEFINITIONS: ReadonlyArray<
  readonly [MetricId, string, number, keyof MetricSet]
> = [
  ["M1", "defect_type_accuracy", 0.80, "structured"],
  ["M2", "symptom_category_accuracy", 0.75, "structured"],
  ["M3", "recall_hit_rate", 0.70, "structured"],
  ["M4", "recall_false_positive_rate", 0.10, "structured"],
  ["M5", "serial_killer_detection", 0.70, "structured"],
  ["M6", "skip_accuracy", 0.80, "structured"],
  ["M7", "cascade_detection", 0.50, "structured"],
  ["M8", "convergence_calibration", 0.40, "structured"],
  ["M9", "repo_selection_precision", 0.70, "workspace"],
  ["M10", "repo_selection_recall", 0.80, "workspace"],
  ["M11", "red_herring_rejection", 0.80, "workspace"],
  ["M12", "evidence_recall", 0.60, "evidence"],
  ["M13", "evidence_precision", 0.50, "evidence"],
  ["M14", "rca_message_relevance", 0.60, "semantic"],
  ["M15", "component_identification", 0.70, "semantic"],
  ["M16", "pipeline_path_accuracy", 0.60, "pipeline"],
  ["M17", "loop_efficiency", 1.0, "pipeline"],
  ["M18", "total_prompt_tokens", 60000, "pipeline"],
  ["M19", "overall_accuracy", 0.65, "aggregate"],
  ["M20", "run_variance", 0.15, "aggregate"],
];

/**
 * A run's metric set: every value defaults to 1 (M4, M20 to 0, M18 to
 * 1000), overridden by `values`; details name the run so tests can tell
 * whose detail was kept. Pass flags are deliberately wrong (always false)
 * so tests see that aggregation recomputes them.
 */
function run(
  label: string,
  values: Partial<Record<MetricId, number>> = {},
): MetricSet {
  const set: MetricSet = {
    structured: [],
    workspace: [],
    evidence: [],
    semantic: [],
    pipeline: [],
    aggregate: [],
  };
  const defaults: Partial<Record<MetricId, number>> = {
    M4: 0,
    M18: 1000,
    M20: 0,
  };
  for (const [id, name, threshold, group] of DEFINITIONS) {
    set[group].push({
      id,
      name,
      value: values[id] ?? defaults[id] ?? 1,
      threshold,
      pass: false,
      detail: `${label} ${id}`,
    });
  }
  return set;
}

function metric(set: MetricSet, id: MetricId): Metric {
  const found = allMetrics(set).find((m) => m.id === id);
  assert.ok(found, `metric ${id} missing`);
  return found;
}

function assertClose(actual: number, expected: number, message?: string) {
  assert.ok(
    Math.abs(actual - expected) < 1e-9,
    message ?? `expected ${expected}, got ${actual}`,
  );
}

/** Every object reachable from a metric set (groups and metrics). */
function objectsOf(set: MetricSet): Set<object> {
  return new Set<object>([
    set,
    ...METRIC_GROUPS.map((g) => set[g]),
    ...allMetrics(set),
  ]);
}

function deepFreeze(set: MetricSet): MetricSet {
  for (const object of objectsOf(set)) Object.freeze(object);
  return set;
}

// --- tests ---

Deno.test("aggregateRuns() rejects an empty run list", () => {
  assert.throws(() => aggregateRuns([]), RangeError);
});

Deno.test("aggregateRuns() returns a deep copy of a single run", () => {
  const only = run("run1", { M1: 0.5, M19: 0.7 });
  const agg = aggregateRuns([only]);
  assert.deepEqual(agg, only);
  const shared = objectsOf(only);
  for (const object of objectsOf(agg)) assert.equal(shared.has(object), false);
});

Deno.test("aggregateRuns() averages M1–M18 and keeps run 1's name, threshold and detail", () => {
  const agg = aggregateRuns([
    run("run1", { M1: 0.5, M9: 0.2, M18: 40000 }),
    run("run2", { M1: 1.0, M9: 0.4, M18: 50000 }),
    run("run3", { M1: 0.9, M9: 0.6, M18: 60000 }),
  ]);
  assertClose(metric(agg, "M1").value, 0.8);
  assertClose(metric(agg, "M9").value, 0.4);
  assert.equal(metric(agg, "M18").value, 50000);
  assert.deepEqual(
    DEFINITIONS.slice(0, 18).map(([id]) => {
      const { name, threshold, detail } = metric(agg, id);
      return [id, name, threshold, detail];
    }),
    DEFINITIONS.slice(0, 18).map((
      [id, name, threshold],
    ) => [id, name, threshold, `run1 ${id}`]),
  );
});

Deno.test("aggregateRuns() keeps run 1's groups and metric order", () => {
  const agg = aggregateRuns([run("run1"), run("run2")]);
  assert.deepEqual(
    Object.fromEntries(
      METRIC_GROUPS.map((g) => [g, agg[g].map((m) => m.id)]),
    ),
    Object.fromEntries(
      METRIC_GROUPS.map((g) => [
        g,
        DEFINITIONS.filter((d) => d[3] === g).map((d) => d[0]),
      ]),
    ),
  );
});

Deno.test("aggregateRuns() recomputes pass at least the threshold from the mean", () => {
  const passOf = (a: number, b: number) =>
    metric(aggregateRuns([run("a", { M1: a }), run("b", { M1: b })]), "M1")
      .pass;
  // 0.9 passes and 0.6 fails on their own; the mean 0.75 fails (< 0.80).
  assert.equal(passOf(0.9, 0.6), false);
  assert.equal(passOf(0.9, 0.7), true); // mean 0.80
});

Deno.test("aggregateRuns() recomputes pass at most the threshold for M4 and M18", () => {
  const m4 = (a: number, b: number) =>
    metric(aggregateRuns([run("a", { M4: a }), run("b", { M4: b })]), "M4");
  assert.equal(m4(0, 0.2).pass, true); // mean 0.10
  const worse = m4(0.05, 0.2);
  assertClose(worse.value, 0.125);
  assert.equal(worse.pass, false);

  const m18 = (a: number, b: number) =>
    metric(aggregateRuns([run("a", { M18: a }), run("b", { M18: b })]), "M18");
  assert.deepEqual([m18(50000, 70000).value, m18(50000, 70000).pass], [
    60000,
    true,
  ]);
  assert.deepEqual([m18(50000, 80000).value, m18(50000, 80000).pass], [
    65000,
    false,
  ]);
});

Deno.test("aggregateRuns() keeps identical runs' values exactly", () => {
  const values = { M1: 0.8, M4: 0.1, M12: 0.6, M17: 0.5, M19: 0.65 };
  const agg = aggregateRuns([
    run("a", values),
    run("b", values),
    run("c", values),
  ]);
  for (const [id, value] of Object.entries(values)) {
    const m = metric(agg, id as MetricId);
    assert.deepEqual([m.value, m.pass], [value, true], id);
  }
  assert.deepEqual(
    [metric(agg, "M20").value, metric(agg, "M20").detail],
    [0, "stddev=0.000 over 3 runs"],
  );
});

Deno.test("aggregateRuns() recomputes M17 against the 0.5–2.0 range", () => {
  const m17 = (a: number, b: number) =>
    metric(aggregateRuns([run("a", { M17: a }), run("b", { M17: b })]), "M17");
  assert.deepEqual([m17(0.4, 0.6).value, m17(0.4, 0.6).pass], [0.5, true]);
  assert.deepEqual([m17(2.5, 1.5).value, m17(2.5, 1.5).pass], [2, true]);
  assert.deepEqual([m17(0.2, 0.4).pass, m17(3, 2).pass], [false, false]);
  assert.equal(m17(3, 2).value, 2.5);
});

Deno.test("aggregateRuns() takes M19 as the mean of per-run M19", () => {
  // Parts all 1.0, so a recomputed weighted average would be 1.0.
  const agg = aggregateRuns([
    run("run1", { M19: 0.6 }),
    run("run2", { M19: 0.8 }),
  ]);
  const m19 = metric(agg, "M19");
  assertClose(m19.value, 0.7);
  assert.equal(m19.detail, "mean of 2 runs");
  assert.equal(m19.name, "overall_accuracy");
  assert.equal(m19.threshold, 0.65);
  assert.equal(m19.pass, true);

  const low = metric(
    aggregateRuns([run("a", { M19: 0.5 }), run("b", { M19: 0.7 })]),
    "M19",
  );
  assertClose(low.value, 0.6);
  assert.equal(low.pass, false);
});

Deno.test("aggregateRuns() takes M20 as the sample stddev of per-run M19", () => {
  const m20 = (...m19: number[]) =>
    metric(
      aggregateRuns(m19.map((v, i) => run(`run${i + 1}`, { M19: v }))),
      "M20",
    );

  const two = m20(0.6, 0.8);
  assertClose(two.value, Math.sqrt(0.02));
  assert.equal(two.detail, "stddev=0.141 over 2 runs");
  assert.equal(two.pass, true);
  assert.equal(two.name, "run_variance");
  assert.equal(two.threshold, 0.15);

  const three = m20(0.7, 0.8, 0.9); // divides by R − 1 = 2
  assertClose(three.value, 0.1);
  assert.equal(three.detail, "stddev=0.100 over 3 runs");
  assert.equal(three.pass, true);

  const spread = m20(0.5, 0.9);
  assertClose(spread.value, Math.sqrt(0.08));
  assert.equal(spread.detail, "stddev=0.283 over 2 runs");
  assert.equal(spread.pass, false);

  assert.deepEqual(
    [m20(0.8, 0.8, 0.8).value, m20(0.8, 0.8, 0.8).detail],
    [0, "stddev=0.000 over 3 runs"],
  );
});

Deno.test("aggregateRuns() leaves its input untouched", () => {
  const runs = [
    run("run1", { M1: 0.2, M19: 0.6 }),
    run("run2", { M1: 1.0, M19: 0.9 }),
  ];
  const before = structuredClone(runs);
  // Frozen input: any write would throw in this (strict) module.
  aggregateRuns(runs.map(deepFreeze));
  assert.deepEqual(runs, before);
  assert.equal(metric(runs[0], "M1").value, 0.2);
  assert.equal(metric(runs[0], "M1").detail, "run1 M1");
  assert.equal(metric(runs[0], "M20").detail, "run1 M20");
});

Deno.test("aggregateRuns() output shares no objects with its input", () => {
  const runs = [run("run1"), run("run2"), run("run3")];
  const before = structuredClone(runs);
  const agg = aggregateRuns(runs);
  const inputs = new Set(runs.flatMap((r) => [...objectsOf(r)]));
  for (const object of objectsOf(agg)) assert.equal(inputs.has(object), false);

  // Editing the aggregate does not reach any run.
  agg.structured[0].value = 42;
  agg.aggregate.length = 0;
  assert.deepEqual(runs, before);
});

Deno.test("aggregateRuns() rejects a run missing one of run 1's metrics", () => {
  const partial = run("run2");
  partial.semantic = partial.semantic.filter((m) => m.id !== "M14");
  assert.throws(
    () => aggregateRuns([run("run1"), partial]),
    { message: "Cannot aggregate metrics: run 2 has no metric M14" },
  );
});
