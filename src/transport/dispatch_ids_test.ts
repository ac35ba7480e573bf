import assert from "node:assert/strict";
import { DispatchIds } from "./dispatch_ids.ts";

Deno.test("DispatchIds hands out consecutive ids from 'first'", () => {
  const ids = new DispatchIds({ first: 7 });
  assert.deepEqual([ids.next(), ids.next(), ids.next()], [7, 8, 9]);
  assert.equal(new DispatchIds({ first: 0 }).next(), 0);
});

Deno.test("DispatchIds starts from the clock in microseconds by default", () => {
  const before = Date.now() * 1000;
  const first = new DispatchIds().next();
  const after = Date.now() * 1000;
  assert.ok(first >= before && first <= after, `${first}`);
  assert.ok(Number.isSafeInteger(first));
  const later = new DispatchIds();
  assert.ok(later.next() >= first, "a later source never starts lower");
});

Deno.test("DispatchIds rejects a 'first' that is not a safe non-negative integer", () => {
  for (const first of [-1, 1.5, Number.NaN, 2 ** 53, Infinity]) {
    assert.throws(() => new DispatchIds({ first }), {
      name: "RangeError",
      message:
        `Cannot create dispatch ids starting at ${first}: expected a safe non-negative integer`,
    });
  }
});

Deno.test("DispatchIds never hands out an unsafe integer", () => {
  const ids = new DispatchIds({ first: Number.MAX_SAFE_INTEGER });
  assert.equal(ids.next(), Number.MAX_SAFE_INTEGER);
  assert.throws(() => ids.next(), RangeError);
});
