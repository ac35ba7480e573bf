/**
 * Stress test of the batch file transport: 200 batches in a row against a
 * test agent that answers late, refuses, answers with a stale artifact first,
 * claims before answering, or never answers — chosen by a seeded PRNG, so a
 * failure replays with the same seed (`STRESS_SEED` in the failure message).
 *
 * The dispatcher runs on fake time: the agent's answers arrive without any
 * time passing, and only once every answering slot has finished does the test
 * advance the clock past the timeout, so the `ignore` slots time out and no
 * other slot can, however loaded the machine.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import {
  AgentTasks,
  caseContext,
  refuse,
  signalAt,
  think,
  withRoot,
} from "./_batch_test_utils.ts";
import { BatchFileDispatcher } from "./batch_file_dispatcher.ts";
import { MANIFEST_FILE, readManifest } from "./batch_manifest.ts";
import { claimSignal } from "./claim.ts";
import { DispatchError } from "./dispatch_error.ts";
import type { DispatchContext } from "./dispatcher.ts";
import { PIPELINE_STEPS } from "../pipeline/step.ts";
import { atomicWriteJson } from "../util/atomic_write.ts";
import { delay as wait } from "../util/clock.ts";
import { FakeTime } from "../util/fake_time.ts";

const STRESS_SEED = 0x5eed_2026;
const BATCHES = 200;
const CASES = 16;
/** Timeout of every dispatch, in fake ms. */
const TIMEOUT_MS = 400;
/** Fallback poll of every dispatch, in fake ms. */
const POLL_MS = 20;

/** Longest real wait for the dispatcher or the agent to make progress. */
const GIVE_UP_MS = 10_000;

/** Wakes every waiter when the dispatcher or the agent made progress. */
class Progress {
  #waiters = new Set<() => void>();
  /** Wakes every current waiter. */
  notify(): void {
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }
  /** Resolves at the next notification, or after `ms` real ms at the latest. */
  async next(ms: number): Promise<void> {
    const controller = new AbortController();
    await new Promise<void>((resolve) => {
      this.#waiters.add(resolve);
      wait(ms, { signal: controller.signal }).then(resolve, resolve);
    });
    controller.abort();
  }
}

/**
 * Waits until `condition` holds, re-checking at each `progress` notification
 * (and at least every 5 ms); runs `step` when it does not hold yet. Fails
 * after {@linkcode GIVE_UP_MS} so a regression fails instead of hanging.
 */
async function until(
  progress: Progress,
  condition: () => boolean,
  what: string,
  step: () => Promise<void> = () => Promise.resolve(),
): Promise<void> {
  const giveUpAt = performance.now() + GIVE_UP_MS;
  while (!condition()) {
    assert.ok(performance.now() < giveUpAt, `gave up waiting until ${what}`);
    await step();
    await progress.next(5);
  }
}

/** mulberry32: a small seeded PRNG with values in [0, 1). */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * What the agent does with a slot's signal: `answer` after its think time,
 * `stale-first` (an artifact with an older dispatch id, then the right one),
 * `claim` (claim, then answer), `refuse` (a responder error in the signal),
 * or `ignore` (never answer: the slot times out).
 */
type Plan = "answer" | "stale-first" | "claim" | "refuse" | "ignore";

interface Slot {
  readonly context: DispatchContext;
  readonly plan: Plan;
  /** Think time of the agent, 0–3 ms. */
  readonly thinkTurns: number;
  /** What the agent answers (unique per slot). */
  readonly data: { batch: number; slot: number; token: string };
  /** Dispatch id the agent saw in the signal. */
  dispatchId?: number;
}

function planBatch(
  random: () => number,
  root: string,
  batch: number,
): Slot[] {
  const size = 1 + Math.floor(random() * 6);
  const cases = Array.from({ length: CASES }, (_, i) => `C${i + 1}`);
  // About one batch in 25 has a slot that times out.
  const mayIgnore = random() < 0.04;
  return Array.from({ length: size }, (_, slot) => {
    const caseId = cases.splice(Math.floor(random() * cases.length), 1)[0];
    const roll = random();
    const plan: Plan = mayIgnore && slot === 0
      ? "ignore"
      : roll < 0.55
      ? "answer"
      : roll < 0.7
      ? "stale-first"
      : roll < 0.85
      ? "claim"
      : "refuse";
    const step = PIPELINE_STEPS[Math.floor(random() * PIPELINE_STEPS.length)];
    const artifact = `artifact-${Math.floor(random() * 3)}.json`;
    return {
      context: caseContext(root, caseId, step, artifact),
      plan,
      thinkTurns: Math.floor(random() * 4),
      data: {
        batch,
        slot,
        token: Math.floor(random() * 2 ** 32).toString(16),
      },
    };
  });
}

Deno.test("stress: 200 batches against an erratic agent lose, duplicate and misroute nothing", async () => {
  await withRoot(async (root) => {
    const random = prng(STRESS_SEED);
    const tasks = new AgentTasks();
    const suite = join(root, "suite");
    /** The slot of each signal directory in the batch in flight. */
    const slotsByDir = new Map<string, Slot>();
    const seenIds = new Set<number>();
    const time = new FakeTime();
    /** Signal directories whose slot posted its signal / reached its end. */
    const posted = new Set<string>();
    const ended = new Set<string>();
    const progress = new Progress();

    const act = async (slot: Slot, signalPath: string, dir: string) => {
      const signal = await signalAt(signalPath);
      slot.dispatchId = signal.dispatch_id;
      await think(slot.thinkTurns);
      const write = (dispatchId: number, data: unknown) =>
        atomicWriteJson(signal.artifact_path, {
          dispatch_id: dispatchId,
          data,
        });
      switch (slot.plan) {
        case "answer":
          await write(signal.dispatch_id, slot.data);
          break;
        case "stale-first":
          await write(signal.dispatch_id - 1, { stale: slot.data });
          await think(slot.thinkTurns);
          await write(signal.dispatch_id, slot.data);
          break;
        case "claim":
          assert.equal(
            await claimSignal(dir, {
              dispatchId: signal.dispatch_id,
              agent: `agent-${slot.data.token}`,
            }),
            true,
          );
          await think(slot.thinkTurns);
          await write(signal.dispatch_id, slot.data);
          break;
        case "refuse":
          await refuse(signalPath, `refused ${slot.data.token}`);
          break;
        case "ignore":
          break;
      }
    };

    const dispatcher = new BatchFileDispatcher({
      suiteDir: suite,
      file: { timeoutMs: TIMEOUT_MS, pollIntervalMs: POLL_MS, clock: time },
      onEvent: (event) => {
        progress.notify();
        if (event.kind === "accepted" || event.kind === "error") {
          ended.add(dirname(event.path));
        }
        if (event.kind !== "signal" || event.status !== "waiting") return;
        const dir = dirname(event.path);
        posted.add(dir);
        const slot = slotsByDir.get(dir);
        assert.ok(slot, `signal of no slot: ${event.path}`);
        tasks.run(() => act(slot, event.path, dir));
      },
    });

    const plans = new Map<Plan, number>();
    for (let batchId = 1; batchId <= BATCHES; batchId++) {
      const where = `seed ${STRESS_SEED}, batch ${batchId}`;
      const slots = planBatch(random, root, batchId);
      slotsByDir.clear();
      posted.clear();
      ended.clear();
      for (const slot of slots) {
        slotsByDir.set(dirname(slot.context.artifactPath), slot);
        plans.set(slot.plan, (plans.get(slot.plan) ?? 0) + 1);
      }
      const batch = dispatcher.dispatchBatch(
        slots.map((slot) => slot.context),
        { phase: batchId % 2 ? "triage" : "investigation" },
      );
      const dirs = slots.map((slot) => dirname(slot.context.artifactPath));
      await until(
        progress,
        () => dirs.every((dir) => posted.has(dir)),
        `${where}: every signal is posted`,
      );
      await tasks.settle();
      // Every answer is on disk; the answering slots end without fake time
      // passing, except for fallback polls that stay far below the timeout.
      let polled = 0;
      await until(
        progress,
        () =>
          slots.every((slot, i) =>
            slot.plan === "ignore" || ended.has(dirs[i])
          ),
        `${where}: every answering slot ends`,
        async () => {
          if (polled >= TIMEOUT_MS / 2) return;
          polled += POLL_MS;
          await time.tickAsync(POLL_MS);
        },
      );
      time.tick(TIMEOUT_MS);
      const results = await batch;

      assert.equal(results.length, slots.length, where);
      for (const [i, result] of results.entries()) {
        const slot = slots[i];
        const at = `${where}, slot ${i} (${slot.plan})`;
        if (slot.plan === "refuse" || slot.plan === "ignore") {
          assert.equal(result.status, "rejected", at);
          const error = (result as PromiseRejectedResult).reason;
          assert.ok(error instanceof DispatchError, at);
          if (slot.plan === "refuse") {
            assert.equal(error.reason, "responder", at);
            assert.ok(
              error.message.endsWith(`refused ${slot.data.token}`),
              at,
            );
          } else {
            assert.equal(error.reason, "timeout", at);
          }
        } else {
          assert.deepEqual(
            result,
            { status: "fulfilled", value: slot.data },
            at,
          );
        }
      }

      const manifest = await readManifest(join(suite, MANIFEST_FILE));
      assert.ok(manifest, where);
      assert.equal(manifest.batch_id, batchId, where);
      assert.equal(manifest.total, slots.length, where);
      assert.equal(manifest.completed, slots.length, where);
      const anyDone = results.some((r) => r.status === "fulfilled");
      assert.equal(manifest.status, anyDone ? "done" : "error", where);
      for (const [i, signal] of manifest.signals.entries()) {
        const slot = slots[i];
        const result = results[i];
        const at = `${where}, slot ${i} (${slot.plan})`;
        assert.equal(signal.case_id, slot.context.caseId, at);
        assert.equal(signal.artifact_path, slot.context.artifactPath, at);
        assert.equal(signal.dispatch_id, slot.dispatchId, at);
        if (result.status === "fulfilled") {
          assert.equal(signal.status, "done", at);
          assert.equal(signal.error, undefined, at);
        } else {
          assert.equal(signal.status, "error", at);
          assert.equal(signal.error, result.reason.message, at);
        }
        assert.equal(
          signal.claimed_by,
          slot.plan === "claim" ? `agent-${slot.data.token}` : undefined,
          at,
        );
        assert.ok(!seenIds.has(signal.dispatch_id), `${at}: id reused`);
        seenIds.add(signal.dispatch_id);
      }
      const archived = await readManifest(
        join(suite, "batches", String(batchId).padStart(4, "0"), MANIFEST_FILE),
      );
      assert.deepEqual(archived, manifest, where);
    }
    // The seed exercises every behaviour.
    for (const plan of ["answer", "stale-first", "claim", "refuse", "ignore"]) {
      assert.ok((plans.get(plan as Plan) ?? 0) > 0, `no '${plan}' slot`);
    }
    assert.equal(seenIds.size, [...plans.values()].reduce((a, b) => a + b));
  });
});
