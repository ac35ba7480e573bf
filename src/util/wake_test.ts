import assert from "node:assert/strict";
import { Wake } from "./wake.ts";

Deno.test("Wake resolves a pending wait on notify", async () => {
  const wake = new Wake();
  let woken = false;
  const waiting = wake.wait().then(() => woken = true);
  await Promise.resolve();
  assert.equal(woken, false);
  wake.notify();
  await waiting;
  assert.equal(woken, true);
});

Deno.test("Wake latches a notification sent while nobody waits, coalescing repeats", async () => {
  const wake = new Wake();
  wake.notify();
  wake.notify();
  await wake.wait();
  let woken = false;
  const waiting = wake.wait().then(() => woken = true);
  // A latched notification would resolve the wait within microtasks.
  for (let turn = 0; turn < 10; turn++) await Promise.resolve();
  assert.equal(woken, false, "two notifications count as one");
  wake.notify();
  await waiting;
});

Deno.test("Wake refuses a second concurrent wait", async () => {
  const wake = new Wake();
  const first = wake.wait();
  assert.throws(() => wake.wait(), {
    message: "Cannot wait: another wait is pending",
  });
  wake.notify();
  await first;
});
