import assert from "node:assert/strict";
import { readAnswer } from "./read_answer.ts";

const kinds = (r: ReturnType<typeof readAnswer>) =>
  r.ok ? r.repairs.map((x) => x.kind) : [];

Deno.test("readAnswer takes a clean wrapper as written", () => {
  for (const data of [{ match: true }, 0, false, "", []]) {
    const result = readAnswer(JSON.stringify({ dispatch_id: 7, data }), {
      form: "wrapper",
    });
    assert.deepEqual(result, { ok: true, data, dispatchId: 7, repairs: [] });
  }
});

Deno.test("readAnswer takes a clean bare answer as written", () => {
  const result = readAnswer('{"match": false}', { form: "bare" });
  assert.deepEqual(result, { ok: true, data: { match: false }, repairs: [] });
});

Deno.test("readAnswer removes a byte-order mark", () => {
  const result = readAnswer('\uFEFF{"dispatch_id": 1, "data": {"a": 1}}', {
    form: "wrapper",
  });
  assert.ok(result.ok);
  assert.deepEqual(result.data, { a: 1 });
  assert.deepEqual(kinds(result), ["bom"]);
});

Deno.test("readAnswer reads the JSON inside a code fence", () => {
  const text =
    'Here you go:\n```json\n{"dispatch_id": 3, "data": {"a": 1}}\n```\n';
  const result = readAnswer(text, { form: "wrapper" });
  assert.ok(result.ok);
  assert.equal(result.dispatchId, 3);
  assert.deepEqual(kinds(result), ["code-fence"]);
});

Deno.test("readAnswer reads a JSON object surrounded by prose", () => {
  const result = readAnswer('My answer is {"match": true} as asked.', {
    form: "bare",
  });
  assert.ok(result.ok);
  assert.deepEqual(result.data, { match: true });
  assert.deepEqual(kinds(result), ["prose"]);
  assert.match(result.repairs[0].detail, /13 characters before and 10 after/);
});

Deno.test("readAnswer never takes part of a half-written wrapper", () => {
  const result = readAnswer('{"dispatch_id": 5, "data": {"match": true}', {
    form: "wrapper",
  });
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.problem, "invalid-json");
  assert.match(result.message, /^invalid JSON: /);
  assert.ok(result.cause instanceof SyntaxError);
});

Deno.test("readAnswer unwraps a wrapper where a bare answer was expected", () => {
  const result = readAnswer('{"dispatch_id": 9, "data": {"match": true}}', {
    form: "bare",
  });
  assert.ok(result.ok);
  assert.deepEqual(result.data, { match: true });
  assert.deepEqual(kinds(result), ["unwrapped"]);
});

Deno.test("readAnswer accepts a bare answer where a wrapper was expected", () => {
  const result = readAnswer('{"match": true}', { form: "wrapper" });
  assert.ok(result.ok);
  assert.equal(result.dispatchId, undefined);
  assert.deepEqual(kinds(result), ["wrapped"]);
});

Deno.test("readAnswer folds enum values differing in case or separators", () => {
  const result = readAnswer(
    JSON.stringify({
      decision: "Approve",
      loop_target: "f2-resolve",
      human_override: { defect_type: "PB-001" },
    }),
    { form: "bare", step: "F5_REVIEW" },
  );
  assert.ok(result.ok);
  assert.deepEqual(result.data, {
    decision: "approve",
    loop_target: "F2_RESOLVE",
    human_override: { defect_type: "pb001" },
  });
  assert.deepEqual(result.repairs.map((r) => r.detail), [
    `field 'decision' "Approve" read as "approve"`,
    `field 'loop_target' "f2-resolve" read as "F2_RESOLVE"`,
    `field 'human_override.defect_type' "PB-001" read as "pb001"`,
  ]);
});

Deno.test("readAnswer leaves unknown enum values for the flags", () => {
  const result = readAnswer(
    '{"symptom_category": "produkt", "defect_type_hypothesis": "zz999"}',
    { form: "bare", step: "F1_TRIAGE" },
  );
  assert.ok(result.ok);
  assert.deepEqual(result.data, {
    symptom_category: "produkt",
    defect_type_hypothesis: "zz999",
  });
  assert.deepEqual(result.repairs, []);
});

Deno.test("readAnswer reports a value that is not an object", () => {
  for (
    const [text, found] of [
      ["[1]", "an array"],
      ["null", "null"],
      ['"x"', "a string"],
      ["12", "a number"],
    ]
  ) {
    assert.deepEqual(readAnswer(text, { form: "wrapper" }), {
      ok: false,
      problem: "not-object",
      message:
        `expected a JSON object with 'dispatch_id' and 'data', found ${found}`,
    });
  }
});

Deno.test("readAnswer reports a missing or non-integer dispatch_id", () => {
  assert.deepEqual(readAnswer('{"data": {}}', { form: "wrapper" }), {
    ok: false,
    problem: "dispatch-id",
    message: "field 'dispatch_id' is missing; expected an integer",
  });
  assert.deepEqual(
    readAnswer('{"dispatch_id": "7", "data": {}}', { form: "wrapper" }),
    {
      ok: false,
      problem: "dispatch-id",
      message: `field 'dispatch_id' must be an integer, found "7"`,
    },
  );
});

Deno.test("readAnswer reports a missing or null data, naming field 'data'", () => {
  assert.deepEqual(readAnswer('{"dispatch_id": 7}', { form: "wrapper" }), {
    ok: false,
    problem: "data",
    message: "field 'data' is missing; expected the step payload",
    dispatchId: 7,
  });
  assert.deepEqual(
    readAnswer('{"dispatch_id": 7, "data": null}', { form: "wrapper" }),
    {
      ok: false,
      problem: "data",
      message: "field 'data' must not be null; expected the step payload",
      dispatchId: 7,
    },
  );
});
