import assert from "node:assert/strict";
import { findById, indexById } from "./index_by_id.ts";

Deno.test("indexById finds every id of a sorted array and none between, before or after", () => {
  const rows = [1, 2, 4, 7, 8, 15].map((id) => ({ id }));
  rows.forEach((row, at) => assert.equal(indexById(rows, row.id), at));
  for (const missing of [0, 3, 5, 9, 16]) {
    assert.equal(indexById(rows, missing), -1);
    assert.equal(findById(rows, missing), undefined);
  }
  assert.equal(indexById([], 1), -1);
  assert.equal(findById(rows, 7), rows[3]);
});
