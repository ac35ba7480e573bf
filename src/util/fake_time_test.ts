import assert from "node:assert/strict";
import { delay } from "./clock.ts";
import { FakeTime } from "./fake_time.ts";

Deno.test("FakeTime stands still until ticked and moves now and monotonic together", () => {
  const time = new FakeTime({ start: "2026-02-17T10:00:00Z" });
  assert.equal(time.now().toISOString(), "2026-02-17T10:00:00.000Z");
  assert.equal(time.monotonic(), 0);
  time.tick(1_500);
  assert.equal(time.now().toISOString(), "2026-02-17T10:00:01.500Z");
  assert.equal(time.monotonic(), 1_500);
});

Deno.test("FakeTime fires timers by due time, then in the order they were set", () => {
  const time = new FakeTime();
  const fired: string[] = [];
  time.setTimeout(() => fired.push("b@20"), 20);
  time.setTimeout(() => fired.push("a@10"), 10);
  time.setTimeout(() => fired.push("c@20"), 20);
  time.setTimeout(() => fired.push("late"), 31);
  time.tick(9);
  assert.deepEqual(fired, []);
  time.tick(21);
  assert.deepEqual(fired, ["a@10", "b@20", "c@20"]);
  assert.equal(time.pendingTimers, 1);
  assert.equal(time.nextTimerIn, 1);
});

Deno.test("FakeTime runs a timer set by a firing timer in the same tick when due", () => {
  const time = new FakeTime();
  const seen: number[] = [];
  time.setTimeout(() => {
    seen.push(time.monotonic());
    time.setTimeout(() => seen.push(time.monotonic()), 5);
  }, 10);
  time.tick(15);
  assert.deepEqual(seen, [10, 15]);
});

Deno.test("FakeTime clearTimeout cancels, and ignores unknown ids", () => {
  const time = new FakeTime();
  let fired = false;
  const id = time.setTimeout(() => fired = true, 1);
  time.clearTimeout(id);
  time.clearTimeout(undefined);
  time.clearTimeout(999);
  time.tick(10);
  assert.equal(fired, false);
  assert.equal(time.pendingTimers, 0);
});

Deno.test("FakeTime tickAsync lets awaiting code see each timer in sequence", async () => {
  const time = new FakeTime();
  const seen: number[] = [];
  const loop = (async () => {
    for (let i = 0; i < 3; i++) {
      await delay(100, { clock: time });
      seen.push(time.monotonic());
    }
  })();
  await time.tickAsync(250);
  assert.deepEqual(seen, [100, 200]);
  await time.tickAsync(50);
  await loop;
  assert.deepEqual(seen, [100, 200, 300]);
});

Deno.test("FakeTime tick alone does not run promise callbacks until microtasks run", async () => {
  const time = new FakeTime();
  let done = false;
  delay(10, { clock: time }).then(() => done = true);
  time.tick(10);
  assert.equal(done, false);
  await time.runMicrotasks();
  assert.equal(done, true);
});

Deno.test("FakeTime refuses a negative or non-finite advance and a bad start", () => {
  const time = new FakeTime();
  assert.throws(() => time.tick(-1), /Cannot advance fake time by -1 ms/);
  assert.throws(() => time.tick(Number.NaN), RangeError);
  assert.throws(() => new FakeTime({ start: "soon" }), /"soon"/);
});

Deno.test("delay rejects with the abort reason and leaves no timer behind", async () => {
  const time = new FakeTime();
  const controller = new AbortController();
  const wait = delay(1_000, { clock: time, signal: controller.signal });
  assert.equal(time.pendingTimers, 1);
  controller.abort(new Error("Stopped"));
  await assert.rejects(wait, /Stopped/);
  assert.equal(time.pendingTimers, 0);
  await assert.rejects(
    delay(5, { clock: time, signal: controller.signal }),
    /Stopped/,
  );
  assert.equal(time.pendingTimers, 0);
});
