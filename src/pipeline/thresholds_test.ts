import assert from "node:assert/strict";
import {
  DEFAULT_THRESHOLDS,
  resolveThresholds,
  type Thresholds,
} from "./thresholds.ts";

Deno.test("DEFAULT_THRESHOLDS are the reference §2.1 defaults plus the reassess cap", () => {
  assert.deepEqual({ ...DEFAULT_THRESHOLDS }, {
    recallHit: 0.8,
    recallUncertain: 0.4,
    convergenceSufficient: 0.7,
    maxInvestigateLoops: 2,
    correlateDup: 0.8,
    maxReassessLoops: 2,
  });
  assert.equal(Object.isFrozen(DEFAULT_THRESHOLDS), true);
});

Deno.test("resolveThresholds() without overrides returns the defaults, frozen", () => {
  const resolved = resolveThresholds();
  assert.deepEqual(resolved, DEFAULT_THRESHOLDS);
  assert.equal(Object.isFrozen(resolved), true);
  assert.deepEqual(resolveThresholds({}), DEFAULT_THRESHOLDS);
});

Deno.test("resolveThresholds() applies overrides and keeps the other defaults", () => {
  const resolved = resolveThresholds({
    recallHit: 0.9,
    maxInvestigateLoops: 0,
    correlateDup: 1,
  });
  assert.deepEqual(resolved, {
    ...DEFAULT_THRESHOLDS,
    recallHit: 0.9,
    maxInvestigateLoops: 0,
    correlateDup: 1,
  });
});

Deno.test("resolveThresholds() ignores overrides that are undefined", () => {
  const resolved = resolveThresholds({
    recallHit: undefined,
    maxReassessLoops: undefined,
    convergenceSufficient: 0.5,
  });
  assert.equal(resolved.recallHit, 0.8);
  assert.equal(resolved.maxReassessLoops, 2);
  assert.equal(resolved.convergenceSufficient, 0.5);
});

Deno.test("resolveThresholds() does not modify the overrides or the defaults", () => {
  const overrides: Partial<Thresholds> = { recallHit: 0.95 };
  resolveThresholds(overrides);
  assert.deepEqual(overrides, { recallHit: 0.95 });
  assert.equal(DEFAULT_THRESHOLDS.recallHit, 0.8);
});

Deno.test("resolveThresholds() accepts scores at the bounds 0 and 1", () => {
  const resolved = resolveThresholds({
    recallHit: 1,
    recallUncertain: 0,
    convergenceSufficient: 0,
    correlateDup: 1,
  });
  assert.equal(resolved.recallHit, 1);
  assert.equal(resolved.recallUncertain, 0);
  assert.equal(resolved.convergenceSufficient, 0);
  assert.equal(resolved.correlateDup, 1);
});

Deno.test("resolveThresholds() accepts recallUncertain equal to recallHit", () => {
  const resolved = resolveThresholds({ recallHit: 0.6, recallUncertain: 0.6 });
  assert.equal(resolved.recallUncertain, 0.6);
});

Deno.test("resolveThresholds() rejects scores outside 0..1 naming the threshold", () => {
  const cases: [keyof Thresholds, number, string][] = [
    ["recallHit", 1.5, "1.5"],
    ["recallUncertain", -0.1, "-0.1"],
    ["convergenceSufficient", 2, "2"],
    ["correlateDup", -1, "-1"],
    ["recallHit", NaN, "NaN"],
    ["correlateDup", Infinity, "Infinity"],
  ];
  for (const [key, value, shown] of cases) {
    assert.throws(
      () => resolveThresholds({ [key]: value }),
      (error: unknown) => {
        assert.ok(error instanceof RangeError, `${key} = ${value}`);
        assert.equal(
          error.message,
          `Cannot use threshold '${key}' = ${shown}: expected a number between 0 and 1`,
        );
        return true;
      },
    );
  }
});

Deno.test("resolveThresholds() rejects loop caps that are not non-negative integers", () => {
  const cases: [keyof Thresholds, number, string][] = [
    ["maxInvestigateLoops", 1.5, "1.5"],
    ["maxInvestigateLoops", -1, "-1"],
    ["maxReassessLoops", 0.5, "0.5"],
    ["maxReassessLoops", -2, "-2"],
    ["maxInvestigateLoops", NaN, "NaN"],
    ["maxReassessLoops", Infinity, "Infinity"],
  ];
  for (const [key, value, shown] of cases) {
    assert.throws(
      () => resolveThresholds({ [key]: value }),
      (error: unknown) => {
        assert.ok(error instanceof RangeError, `${key} = ${value}`);
        assert.equal(
          error.message,
          `Cannot use threshold '${key}' = ${shown}: expected a non-negative integer`,
        );
        return true;
      },
    );
  }
});

Deno.test("resolveThresholds() accepts zero loop caps", () => {
  const resolved = resolveThresholds({
    maxInvestigateLoops: 0,
    maxReassessLoops: 0,
  });
  assert.equal(resolved.maxInvestigateLoops, 0);
  assert.equal(resolved.maxReassessLoops, 0);
});

Deno.test("resolveThresholds() rejects recallUncertain above recallHit", () => {
  assert.throws(
    () => resolveThresholds({ recallUncertain: 0.9 }),
    {
      name: "RangeError",
      message:
        "Cannot use threshold 'recallUncertain' = 0.9: expected at most 'recallHit' (0.8)",
    },
  );
  assert.throws(
    () => resolveThresholds({ recallHit: 0.3 }),
    {
      name: "RangeError",
      message:
        "Cannot use threshold 'recallUncertain' = 0.4: expected at most 'recallHit' (0.3)",
    },
  );
});

Deno.test("resolveThresholds() rejects non-number values passed from untyped callers", () => {
  assert.throws(
    () => resolveThresholds({ recallHit: "0.9" as unknown as number }),
    /Cannot use threshold 'recallHit' = 0\.9: expected a number between 0 and 1/,
  );
  assert.throws(
    () => resolveThresholds({ maxInvestigateLoops: "2" as unknown as number }),
    /Cannot use threshold 'maxInvestigateLoops' = 2: expected a non-negative integer/,
  );
});
