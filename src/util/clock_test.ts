import assert from "node:assert/strict";
import { delay, formatTimestamp, systemClock } from "./clock.ts";

Deno.test("formatTimestamp drops milliseconds", () => {
  assert.equal(
    formatTimestamp(new Date("2026-02-17T10:00:00.250Z")),
    "2026-02-17T10:00:00Z",
  );
});

Deno.test("systemClock timers fire and clear through the seam", async () => {
  let fired = false;
  const id = systemClock.setTimeout(() => fired = true, 0);
  systemClock.clearTimeout(id);
  await delay(0);
  assert.equal(fired, false);
  const before = systemClock.monotonic();
  await delay(0, { clock: systemClock });
  assert.ok(systemClock.monotonic() >= before);
});
