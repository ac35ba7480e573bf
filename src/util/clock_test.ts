import assert from "node:assert/strict";
import { delay, formatTimestamp, MAX_TIMER_MS, systemClock } from "./clock.ts";

Deno.test("formatTimestamp drops milliseconds", () => {
  assert.equal(
    formatTimestamp(new Date("2026-02-17T10:00:00.250Z")),
    "2026-02-17T10:00:00Z",
  );
});

/**
 * Runs `fn` with the runtime's timer functions replaced by recorders, so
 * systemClock is checked without waiting on a real timer.
 */
async function withRecordedTimers(
  fn: (recorded: {
    set: { callback: () => void; ms: number }[];
    cleared: unknown[];
  }) => Promise<void> | void,
): Promise<void> {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const recorded = {
    set: [] as { callback: () => void; ms: number }[],
    cleared: [] as unknown[],
  };
  globalThis.setTimeout = ((callback: () => void, ms: number) => {
    recorded.set.push({ callback, ms });
    return recorded.set.length;
  }) as unknown as typeof setTimeout;
  globalThis.clearTimeout = ((id: unknown) => {
    recorded.cleared.push(id);
  }) as unknown as typeof clearTimeout;
  try {
    await fn(recorded);
  } finally {
    globalThis.setTimeout = realSet;
    globalThis.clearTimeout = realClear;
  }
}

Deno.test("systemClock sets and clears the runtime's timers, the delay clamped", async () => {
  await withRecordedTimers(({ set, cleared }) => {
    const callback = () => {};
    const id = systemClock.setTimeout(callback, 25);
    systemClock.setTimeout(callback, -5);
    systemClock.setTimeout(callback, MAX_TIMER_MS * 2);
    assert.deepEqual(set.map((t) => t.ms), [25, 0, MAX_TIMER_MS]);
    assert.equal(set[0].callback, callback);
    systemClock.clearTimeout(id);
    assert.deepEqual(cleared, [id]);
  });
});

Deno.test("delay waits on systemClock by default and resolves when its timer fires", async () => {
  await withRecordedTimers(async ({ set }) => {
    let resolved = false;
    const wait = delay(40).then(() => resolved = true);
    assert.deepEqual(set.map((t) => t.ms), [40]);
    await Promise.resolve();
    assert.equal(resolved, false);
    set[0].callback();
    await wait;
    assert.equal(resolved, true);
  });
});

Deno.test("systemClock's monotonic time never goes backwards", () => {
  const before = systemClock.monotonic();
  assert.ok(systemClock.monotonic() >= before);
});
