import assert from "node:assert/strict";
import { CoalescingWriter } from "./coalescing_writer.ts";
import { FakeTime } from "../util/fake_time.ts";

function writerWith(options: { maxDelayMs?: number; maxBytes?: number } = {}) {
  const time = new FakeTime();
  const written: string[] = [];
  const writer = new CoalescingWriter((text) => written.push(text), {
    clock: time,
    ...options,
  });
  return { time, written, writer };
}

Deno.test("CoalescingWriter holds small writes until flush()", () => {
  const { written, writer } = writerWith();
  writer.write("one\n");
  writer.write("");
  writer.write("two\n");
  assert.deepEqual(written, []);
  writer.flush();
  assert.deepEqual(written, ["one\ntwo\n"]);
  writer.flush();
  assert.deepEqual(written, ["one\ntwo\n"]);
});

Deno.test("CoalescingWriter writes held text once its timer fires", () => {
  const { time, written, writer } = writerWith({ maxDelayMs: 25 });
  writer.write("a\n");
  time.tick(24);
  assert.deepEqual(written, []);
  time.tick(1);
  assert.deepEqual(written, ["a\n"]);
  assert.equal(time.pendingTimers, 0);
});

Deno.test("CoalescingWriter writes at a write when the oldest text is due, without the timer", () => {
  // A busy program: time passes, but timers never get to run.
  let now = 0;
  const written: string[] = [];
  const writer = new CoalescingWriter((text) => written.push(text), {
    maxDelayMs: 25,
    clock: {
      monotonic: () => now,
      setTimeout: () => 1,
      clearTimeout: () => {},
    },
  });
  writer.write("a\n");
  now = 24;
  writer.write("b\n");
  assert.deepEqual(written, []);
  now = 25;
  writer.write("c\n");
  assert.deepEqual(written, ["a\nb\nc\n"]);
});

Deno.test("CoalescingWriter writes at once past maxBytes", () => {
  const { written, writer } = writerWith({ maxBytes: 4 });
  writer.write("ab");
  assert.deepEqual(written, []);
  writer.write("cd");
  assert.deepEqual(written, ["abcd"]);
});

Deno.test("CoalescingWriter refuses a negative delay", () => {
  assert.throws(
    () => new CoalescingWriter(() => {}, { maxDelayMs: -1 }),
    (error: unknown) =>
      error instanceof RangeError && /maxDelayMs = -1/.test(error.message),
  );
});
