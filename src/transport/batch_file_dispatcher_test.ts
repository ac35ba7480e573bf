import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import pLimit from "p-limit";
import {
  AgentTasks,
  answer,
  BatchEventLog,
  caseContext,
  refuse,
  signalAt,
  think,
  until,
  withRoot,
} from "./_batch_test_utils.ts";
import {
  BatchFileDispatcher,
  type BatchFileDispatcherOptions,
  type BatchFileDispatchEvent,
} from "./batch_file_dispatcher.ts";
import {
  type BatchManifest,
  BRIEFING_FILE,
  MANIFEST_FILE,
  readManifest,
} from "./batch_manifest.ts";
import { isBatchDispatcher } from "./batch_dispatcher.ts";
import { claimSignal } from "./claim.ts";
import { DispatchError } from "./dispatch_error.ts";
import type { DispatchContext, Dispatcher } from "./dispatcher.ts";
import { TokenTrackingDispatcher } from "./token_tracking_dispatcher.ts";
import { SIGNAL_FILE } from "./signal.ts";
import { TokenTracker } from "../tokens/token_tracker.ts";

// --- helpers --------------------------------------------------------------------

const BRIEFING = "# Calibration Briefing — Batch 1\n\n## Run context\n";

/** What the agent answers for a case. */
function dataFor(caseId: string): unknown {
  return { symptom_category: "product", case: caseId };
}

type Behaviour = "answer" | "refuse" | "ignore";

/**
 * A batch dispatcher whose test agent reacts to each `waiting` signal event:
 * it answers, refuses (responder error) or ignores the signal, by case id.
 */
function withAgent(
  root: string,
  behaviour: (caseId: string) => Behaviour = () => "answer",
  options: Partial<BatchFileDispatcherOptions> = {},
): { dispatcher: BatchFileDispatcher; log: BatchEventLog; tasks: AgentTasks } {
  const log = new BatchEventLog();
  const tasks = new AgentTasks();
  const dispatcher = new BatchFileDispatcher({
    suiteDir: join(root, "suite"),
    ...options,
    file: { pollIntervalMs: 25, timeoutMs: 20_000, ...options.file },
    onEvent: (event) => {
      log.onEvent(event);
      options.onEvent?.(event);
      if (event.kind !== "signal" || event.status !== "waiting") return;
      const what = behaviour(event.caseId);
      if (what === "answer") {
        tasks.run(async () => {
          await answer(event.path, dataFor(event.caseId));
        });
      } else if (what === "refuse") {
        tasks.run(async () => {
          await refuse(event.path, `cannot answer ${event.caseId}`);
        });
      }
    },
  });
  return { dispatcher, log, tasks };
}

function contextsFor(root: string, ...caseIds: string[]): DispatchContext[] {
  return caseIds.map((caseId) => caseContext(root, caseId));
}

async function manifestAt(path: string): Promise<BatchManifest> {
  const manifest = await readManifest(path);
  assert.ok(manifest, `no valid manifest at '${path}'`);
  return manifest;
}

/**
 * Asserts the batch statuses written in order: `pending` first, `final`
 * last, and `in_progress` in between unless the slots finished so close
 * together that one write carried them all.
 */
function assertLifecycle(
  log: BatchEventLog,
  batchId: number,
  final: "done" | "error",
): void {
  const statuses = log.of("batch-status")
    .filter((event) => event.batchId === batchId)
    .map((event) => event.status);
  const expected = statuses.length === 2
    ? ["pending", final]
    : ["pending", "in_progress", final];
  assert.deepEqual(statuses, expected);
}

function rejectionOf(result: PromiseSettledResult<unknown>): DispatchError {
  assert.equal(result.status, "rejected");
  const reason = (result as PromiseRejectedResult).reason;
  assert.ok(
    reason instanceof DispatchError,
    `expected DispatchError: ${reason}`,
  );
  return reason;
}

// --- success ----------------------------------------------------------------------

Deno.test("a batch of 4 completes: results in input order, live manifest done, archived", async () => {
  await withRoot(async (root) => {
    const { dispatcher, log, tasks } = withAgent(root);
    const suite = join(root, "suite");
    const contexts = contextsFor(root, "C4", "C1", "C3", "C2");
    const results = await dispatcher.dispatchBatch(contexts, {
      phase: "triage",
      briefing: BRIEFING,
    });
    await tasks.settle();

    assert.deepEqual(
      results,
      ["C4", "C1", "C3", "C2"].map((caseId) => ({
        status: "fulfilled",
        value: dataFor(caseId),
      })),
    );
    const manifest = await manifestAt(join(suite, MANIFEST_FILE));
    assert.equal(manifest.batch_id, 1);
    assert.equal(manifest.status, "done");
    assert.equal(manifest.phase, "triage");
    assert.equal(manifest.total, 4);
    assert.equal(manifest.completed, 4);
    assert.equal(manifest.briefing_path, join(suite, BRIEFING_FILE));
    assert.deepEqual(
      manifest.signals.map((s) => [s.case_id, s.step, s.status]),
      ["C4", "C1", "C3", "C2"].map((c) => [c, "F1_TRIAGE", "done"]),
    );
    for (const [i, signal] of manifest.signals.entries()) {
      assert.equal(signal.artifact_path, contexts[i].artifactPath);
      assert.equal(
        signal.signal_path,
        join(dirname(contexts[i].artifactPath), SIGNAL_FILE),
      );
      assert.equal("error" in signal, false);
      // The signal itself ends done, with the id the manifest shows.
      const onDisk = await signalAt(signal.signal_path);
      assert.equal(onDisk.status, "done");
      assert.equal(onDisk.dispatch_id, signal.dispatch_id);
    }
    const ids = manifest.signals.map((s) => s.dispatch_id);
    assert.equal(new Set(ids).size, 4, "every dispatch id is unique");
    assert.ok(ids.every((id) => id > 0));
    assert.equal(
      await Deno.readTextFile(join(suite, BRIEFING_FILE)),
      BRIEFING,
    );

    const archive = join(suite, "batches", "0001");
    assert.deepEqual(
      await manifestAt(join(archive, MANIFEST_FILE)),
      manifest,
    );
    assert.equal(
      await Deno.readTextFile(join(archive, BRIEFING_FILE)),
      BRIEFING,
    );
    assertLifecycle(log, 1, "done");
    assert.deepEqual(log.of("batch-archived"), [
      { kind: "batch-archived", batchId: 1, path: archive },
    ]);

    // The next batch replaces the live files and archives to 0002.
    const second = await dispatcher.dispatchBatch(
      contextsFor(root, "C1", "C5"),
      { phase: "investigation", briefing: "# Batch 2\n" },
    );
    await tasks.settle();
    assert.deepEqual(second.map((r) => r.status), ["fulfilled", "fulfilled"]);
    const live = await manifestAt(join(suite, MANIFEST_FILE));
    assert.equal(live.batch_id, 2);
    assert.equal(live.phase, "investigation");
    assert.deepEqual(
      await manifestAt(join(suite, "batches", "0002", MANIFEST_FILE)),
      live,
    );
    assert.equal(
      await Deno.readTextFile(join(suite, "batches", "0002", BRIEFING_FILE)),
      "# Batch 2\n",
    );
    assert.deepEqual(
      await manifestAt(join(archive, MANIFEST_FILE)),
      manifest,
      "batch 1's archive is untouched",
    );
    assert.ok(
      live.signals.every((s) => !ids.includes(s.dispatch_id)),
      "ids are unique across batches",
    );
    assert.ok(log.of("batch-write-error").length === 0);
  });
});

Deno.test("every file event is forwarded with its batch and slot", async () => {
  await withRoot(async (root) => {
    const fileEvents: string[] = [];
    const { dispatcher, log, tasks } = withAgent(root, undefined, {
      file: { onEvent: (event) => fileEvents.push(event.kind) },
    });
    await dispatcher.dispatchBatch(contextsFor(root, "C1", "C2"), {
      phase: "triage",
    });
    await tasks.settle();
    const slotEvents = log.events.filter((e) => !e.kind.startsWith("batch-"));
    assert.deepEqual(slotEvents.map((e) => e.kind), fileEvents);
    for (const event of slotEvents) {
      assert.ok("slot" in event);
      assert.equal(event.batchId, 1);
      assert.equal(event.slot, event.caseId === "C1" ? 0 : 1);
    }
  });
});

// --- failures ---------------------------------------------------------------------

Deno.test("a batch of 4 where 1 times out: 3 fulfilled, 1 rejected, manifest 3 done + 1 error, batch done", async () => {
  await withRoot(async (root) => {
    const { dispatcher, tasks } = withAgent(
      root,
      (caseId) => caseId === "C3" ? "ignore" : "answer",
      { file: { timeoutMs: 300, pollIntervalMs: 25 } },
    );
    const results = await dispatcher.dispatchBatch(
      contextsFor(root, "C1", "C2", "C3", "C4"),
      { phase: "triage", briefing: BRIEFING },
    );
    await tasks.settle();
    assert.deepEqual(results.map((r) => r.status), [
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    const timeout = rejectionOf(results[2]);
    assert.equal(timeout.reason, "timeout");
    const manifest = await manifestAt(join(root, "suite", MANIFEST_FILE));
    assert.deepEqual(manifest.signals.map((s) => s.status), [
      "done",
      "done",
      "error",
      "done",
    ]);
    assert.equal(manifest.signals[2].error, timeout.message);
    assert.match(manifest.signals[2].error!, /timed out after 300 ms/);
    assert.equal(manifest.completed, 4);
    assert.equal(manifest.status, "done");
    assert.equal(
      (await signalAt(manifest.signals[2].signal_path)).status,
      "error",
    );
  });
});

Deno.test("a batch where every slot fails ends error", async () => {
  await withRoot(async (root) => {
    const { dispatcher, log, tasks } = withAgent(root, () => "refuse");
    const results = await dispatcher.dispatchBatch(
      contextsFor(root, "C1", "C2", "C3", "C4"),
      { phase: "investigation" },
    );
    await tasks.settle();
    for (const [i, result] of results.entries()) {
      const error = rejectionOf(result);
      assert.equal(error.reason, "responder");
      assert.match(error.message, new RegExp(`cannot answer C${i + 1}$`));
    }
    const manifest = await manifestAt(join(root, "suite", MANIFEST_FILE));
    assert.equal(manifest.status, "error");
    assert.equal(manifest.completed, 4);
    assert.deepEqual(
      manifest.signals.map((s) => s.error),
      results.map((r) => rejectionOf(r).message),
    );
    assertLifecycle(log, 1, "error");
  });
});

Deno.test("when the manifest cannot be written every slot fails and no signal is written", async () => {
  await withRoot(async (root) => {
    // The suite directory is a file.
    await Deno.writeTextFile(join(root, "suite"), "");
    const { dispatcher, log, tasks } = withAgent(root);
    const contexts = contextsFor(root, "C1", "C2");
    const results = await dispatcher.dispatchBatch(contexts, {
      phase: "triage",
      briefing: BRIEFING,
    });
    await tasks.settle();
    for (const result of results) {
      const error = rejectionOf(result);
      assert.equal(error.reason, "io");
      assert.match(
        error.message,
        /^Cannot start batch 1: cannot create suite directory '.*suite': /,
      );
    }
    for (const context of contexts) {
      await assert.rejects(
        Deno.stat(join(dirname(context.artifactPath), SIGNAL_FILE)),
        Deno.errors.NotFound,
      );
    }
    assert.deepEqual(log.events, []);
    await assert.rejects(dispatcher.dispatch(contexts[0]), DispatchError);
  });
});

Deno.test("a live manifest that cannot be written fails the waiting slots at once", async () => {
  await withRoot(async (root) => {
    const manifestPath = join(root, "suite", MANIFEST_FILE);
    const { dispatcher, log } = withAgent(root, () => "ignore", {
      onEvent: (event) => {
        // Once the last signal is out, the manifest's place is taken by a
        // directory: every later write of it fails (no agent answers).
        if (
          event.kind === "signal" && event.status === "waiting" &&
          event.caseId === "C2"
        ) {
          Deno.removeSync(manifestPath);
          Deno.mkdirSync(manifestPath);
        }
      },
    });
    const results = await dispatcher.dispatchBatch(
      contextsFor(root, "C1", "C2"),
      { phase: "triage", briefing: BRIEFING },
    );
    for (const result of results) {
      const error = rejectionOf(result);
      assert.equal(error.reason, "io", error.message);
      assert.match(
        error.message,
        /^Cannot write batch manifest '.*batch-manifest\.json' of batch 1: /,
      );
    }
    assert.ok(log.of("batch-write-error").length > 0);
  });
});

Deno.test("a slot whose post fails is an error slot; the others go on", async () => {
  await withRoot(async (root) => {
    const { dispatcher, tasks } = withAgent(root);
    const contexts = contextsFor(root, "C1", "C2");
    // The old artifact of C2 cannot be removed.
    await Deno.mkdir(join(contexts[1].artifactPath, "child"), {
      recursive: true,
    });
    const results = await dispatcher.dispatchBatch(contexts, {
      phase: "triage",
    });
    await tasks.settle();
    assert.equal(results[0].status, "fulfilled");
    assert.equal(rejectionOf(results[1]).reason, "io");
    const manifest = await manifestAt(join(root, "suite", MANIFEST_FILE));
    assert.deepEqual(manifest.signals.map((s) => [s.status, s.dispatch_id]), [
      ["done", manifest.signals[0].dispatch_id],
      ["error", 0],
    ]);
    assert.equal(manifest.status, "done");
  });
});

Deno.test("an already aborted context fails its slot only", async () => {
  await withRoot(async (root) => {
    const { dispatcher, tasks } = withAgent(root);
    const [c1, c2] = contextsFor(root, "C1", "C2");
    const results = await dispatcher.dispatchBatch(
      [c1, { ...c2, signal: AbortSignal.abort() }],
      { phase: "triage" },
    );
    await tasks.settle();
    assert.equal(results[0].status, "fulfilled");
    assert.equal(rejectionOf(results[1]).reason, "aborted");
  });
});

// --- manifest lifecycle and claims ------------------------------------------------

Deno.test("an agent sees the manifest pending, claims a signal, sees it claimed and in progress, then done", async () => {
  await withRoot(async (root) => {
    const log = new BatchEventLog();
    const suite = join(root, "suite");
    const manifestPath = join(suite, MANIFEST_FILE);
    const dispatcher = new BatchFileDispatcher({
      suiteDir: suite,
      file: { pollIntervalMs: 25, timeoutMs: 20_000 },
      onEvent: log.onEvent,
    });
    const batch = dispatcher.dispatchBatch(
      contextsFor(root, "C1", "C2", "C3"),
      { phase: "triage", briefing: BRIEFING },
    );

    // The agent finds a pending batch whose signals are all posted.
    let manifest: BatchManifest | undefined;
    await until(async () => {
      manifest = await readManifest(manifestPath);
      return manifest?.signals.every((s) => s.dispatch_id > 0) ?? false;
    }, "every signal of the batch is posted");
    assert.equal(manifest!.status, "pending");
    assert.ok(manifest!.signals.every((s) => s.status === "pending"));
    assert.equal(manifest!.completed, 0);

    const first = manifest!.signals[0];
    assert.equal(
      await claimSignal(dirname(first.signal_path), {
        dispatchId: first.dispatch_id,
        agent: "subagent-1",
      }),
      true,
    );
    await until(async () => {
      manifest = await readManifest(manifestPath);
      return manifest?.status === "in_progress" &&
        manifest.signals[0].status === "claimed";
    }, "the manifest shows the claim");
    assert.equal(manifest!.signals[0].claimed_by, "subagent-1");
    assert.deepEqual(manifest!.signals.slice(1).map((s) => s.status), [
      "pending",
      "pending",
    ]);
    assert.equal(
      await claimSignal(dirname(first.signal_path), {
        dispatchId: first.dispatch_id,
        agent: "subagent-2",
      }),
      false,
      "a second claim of the same dispatch loses",
    );
    const claimed = await log.waitFor("claimed");
    assert.equal(claimed.slot, 0);
    assert.equal(claimed.agent, "subagent-1");

    for (const signal of manifest!.signals) {
      await answer(signal.signal_path, { case: signal.case_id });
    }
    const results = await batch;
    assert.deepEqual(results.map((r) => r.status), [
      "fulfilled",
      "fulfilled",
      "fulfilled",
    ]);
    const final = await manifestAt(manifestPath);
    assert.equal(final.status, "done");
    assert.deepEqual(final.signals.map((s) => s.status), [
      "done",
      "done",
      "done",
    ]);
    assert.equal(final.signals[0].claimed_by, "subagent-1");
    assert.deepEqual(
      log.of("batch-status").map((e) => e.status),
      ["pending", "in_progress", "done"],
    );
  });
});

Deno.test("the briefing and the pending manifest are on disk before the first signal", async () => {
  await withRoot(async (root) => {
    const suite = join(root, "suite");
    const seen: { briefing: string; manifest: BatchManifest }[] = [];
    const { dispatcher, tasks } = withAgent(root, undefined, {
      onEvent: (event) => {
        if (
          event.kind === "signal" && event.status === "waiting" &&
          seen.length === 0
        ) {
          seen.push({
            briefing: Deno.readTextFileSync(join(suite, BRIEFING_FILE)),
            manifest: JSON.parse(
              Deno.readTextFileSync(join(suite, MANIFEST_FILE)),
            ),
          });
        }
      },
    });
    await dispatcher.dispatchBatch(contextsFor(root, "C1", "C2", "C3"), {
      phase: "triage",
      briefing: BRIEFING,
    });
    await tasks.settle();
    assert.equal(seen.length, 1);
    assert.equal(seen[0].briefing, BRIEFING);
    assert.equal(seen[0].manifest.status, "pending");
    assert.equal(seen[0].manifest.briefing_path, join(suite, BRIEFING_FILE));

    // A batch without a briefing removes the previous one.
    await dispatcher.dispatchBatch(contextsFor(root, "C1"), {
      phase: "triage",
    });
    await tasks.settle();
    await assert.rejects(
      Deno.stat(join(suite, BRIEFING_FILE)),
      Deno.errors.NotFound,
    );
    assert.equal(
      (await manifestAt(join(suite, MANIFEST_FILE))).briefing_path,
      "",
    );
    await assert.rejects(
      Deno.stat(join(suite, "batches", "0002", BRIEFING_FILE)),
      Deno.errors.NotFound,
    );
  });
});

// --- wrapSlot and concurrency -------------------------------------------------------

Deno.test("token tracking through wrapSlot records each successful slot", async () => {
  await withRoot(async (root) => {
    const tracker = new TokenTracker();
    const { dispatcher, tasks } = withAgent(
      root,
      (caseId) => caseId === "C2" ? "refuse" : "answer",
      {
        wrapSlot: (slot) =>
          new TokenTrackingDispatcher(slot, tracker, {
            promptSize: () => Promise.resolve(400),
          }),
      },
    );
    const results = await dispatcher.dispatchBatch(
      contextsFor(root, "C1", "C2", "C3", "C4"),
      { phase: "triage" },
    );
    await tasks.settle();
    assert.deepEqual(results.map((r) => r.status), [
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
    ]);
    assert.equal(tracker.size, 3);
    assert.deepEqual(
      tracker.records().map((r) => r.case_id).toSorted(),
      ["C1", "C3", "C4"],
    );
  });
});

/**
 * Runs a batch of 6 whose agent answers only once `limit` signals wait at
 * once (or all remaining ones do), and returns the most signals that waited
 * at once.
 */
async function peakWaiting(
  root: string,
  limit: number,
  options: Partial<BatchFileDispatcherOptions>,
): Promise<number> {
  const tasks = new AgentTasks();
  const total = 6;
  let waiting = 0;
  let finished = 0;
  let peak = 0;
  const queue: string[] = [];
  const release = () => {
    if (waiting < Math.min(limit, total - finished)) return;
    for (const path of queue.splice(0)) {
      tasks.run(async () => {
        await think(1);
        const signal = await signalAt(path);
        await answer(path, dataFor(signal.case_id));
      });
    }
  };
  const dispatcher = new BatchFileDispatcher({
    suiteDir: join(root, "suite"),
    file: { pollIntervalMs: 25, timeoutMs: 20_000 },
    ...options,
    onEvent: (event: BatchFileDispatchEvent) => {
      if (event.kind !== "signal") return;
      if (event.status === "waiting") {
        waiting += 1;
        peak = Math.max(peak, waiting);
        queue.push(event.path);
      } else if (event.status === "done" || event.status === "error") {
        waiting -= 1;
        finished += 1;
      }
      release();
    },
  });
  const ids = Array.from({ length: total }, (_, i) => `C${i + 1}`);
  const results = await dispatcher.dispatchBatch(contextsFor(root, ...ids), {
    phase: "triage",
  });
  await tasks.settle();
  assert.deepEqual(
    results,
    ids.map((caseId) => ({ status: "fulfilled", value: dataFor(caseId) })),
  );
  assert.equal(finished, total);
  return peak;
}

Deno.test("a semaphore in wrapSlot gates every single dispatch", async () => {
  await withRoot(async (root) => {
    const gate = pLimit(2);
    const peak = await peakWaiting(root, 2, {
      wrapSlot: (slot): Dispatcher => ({
        dispatch: (context) => gate(() => slot.dispatch(context)),
      }),
    });
    assert.equal(peak, 2);
  });
});

Deno.test("concurrency bounds the slots in flight", async () => {
  await withRoot(async (root) => {
    assert.equal(await peakWaiting(root, 3, { concurrency: 3 }), 3);
  });
});

Deno.test("a retrying wrapSlot dispatches a slot again; the manifest follows the new dispatch", async () => {
  await withRoot(async (root) => {
    let refused = false;
    const { dispatcher, tasks } = withAgent(
      root,
      (caseId) => {
        if (caseId !== "C2" || refused) return "answer";
        refused = true;
        return "refuse";
      },
      {
        wrapSlot: (slot) => ({
          dispatch: (context) =>
            slot.dispatch(context).catch(() => slot.dispatch(context)),
        }),
      },
    );
    const results = await dispatcher.dispatchBatch(
      contextsFor(root, "C1", "C2"),
      { phase: "triage" },
    );
    await tasks.settle();
    assert.deepEqual(results.map((r) => r.status), ["fulfilled", "fulfilled"]);
    const manifest = await manifestAt(join(root, "suite", MANIFEST_FILE));
    const signal = await signalAt(manifest.signals[1].signal_path);
    assert.equal(manifest.signals[1].dispatch_id, signal.dispatch_id);
    assert.equal(manifest.signals[1].status, "done");
    assert.equal("error" in manifest.signals[1], false);
    assert.equal(manifest.status, "done");
  });
});

Deno.test("a wrapSlot that throws fails its slot", async () => {
  await withRoot(async (root) => {
    const { dispatcher, tasks } = withAgent(root, undefined, {
      wrapSlot: () => {
        throw new Error("no dispatcher");
      },
    });
    const results = await dispatcher.dispatchBatch(contextsFor(root, "C1"), {
      phase: "triage",
    });
    await tasks.settle();
    assert.equal(results[0].status, "rejected");
    const manifest = await manifestAt(join(root, "suite", MANIFEST_FILE));
    assert.equal(manifest.signals[0].error, "no dispatcher");
    assert.equal(manifest.status, "error");
  });
});

// --- dispatch, batches in a row, validation ------------------------------------------

Deno.test("dispatch is a one-slot batch with phase single and no briefing", async () => {
  await withRoot(async (root) => {
    const { dispatcher, tasks } = withAgent(
      root,
      (caseId) => caseId === "C9" ? "refuse" : "answer",
    );
    assert.ok(isBatchDispatcher(dispatcher));
    assert.deepEqual(
      await dispatcher.dispatch(caseContext(root, "C1")),
      dataFor("C1"),
    );
    const manifest = await manifestAt(join(root, "suite", MANIFEST_FILE));
    assert.equal(manifest.phase, "single");
    assert.equal(manifest.briefing_path, "");
    assert.equal(manifest.total, 1);
    assert.equal(manifest.status, "done");
    await assert.rejects(
      dispatcher.dispatch(caseContext(root, "C9")),
      (error) =>
        error instanceof DispatchError && error.reason === "responder" &&
        /cannot answer C9/.test(error.message),
    );
    assert.equal(
      (await manifestAt(join(root, "suite", MANIFEST_FILE))).status,
      "error",
    );
    await tasks.settle();
  });
});

Deno.test("batches started together run one after another", async () => {
  await withRoot(async (root) => {
    const { dispatcher, log, tasks } = withAgent(root);
    const batches = await Promise.all([
      dispatcher.dispatchBatch(contextsFor(root, "C1", "C2"), {
        phase: "triage",
      }),
      dispatcher.dispatch(caseContext(root, "C1")),
      dispatcher.dispatchBatch(contextsFor(root, "C2", "C3"), {
        phase: "triage",
      }),
    ]);
    await tasks.settle();
    assert.deepEqual(batches[1], dataFor("C1"));
    // Each batch is written, finishes and is archived before the next one
    // is written.
    const order = log.events
      .filter((e) =>
        e.kind === "batch-archived" ||
        e.kind === "batch-status" && e.status !== "in_progress"
      )
      .map((e) =>
        e.kind === "batch-status"
          ? `${e.batchId}:${e.status}`
          : `${e.batchId}:archived`
      );
    assert.deepEqual(order, [
      "1:pending",
      "1:done",
      "1:archived",
      "2:pending",
      "2:done",
      "2:archived",
      "3:pending",
      "3:done",
      "3:archived",
    ]);
    for (const batchId of [1, 2, 3]) assertLifecycle(log, batchId, "done");
  });
});

Deno.test("dispatchBatch rejects an empty batch, shared signal directories and a bad phase", async () => {
  await withRoot(async (root) => {
    const dispatcher = new BatchFileDispatcher({ suiteDir: join(root, "s") });
    await assert.rejects(dispatcher.dispatchBatch([], { phase: "triage" }), {
      name: "RangeError",
      message: "Cannot dispatch batch: expected at least one context",
    });
    const c1 = caseContext(root, "C1");
    await assert.rejects(
      dispatcher.dispatchBatch(
        [c1, caseContext(root, "C2"), {
          ...c1,
          artifactPath: join(dirname(c1.artifactPath), "other.json"),
        }],
        { phase: "triage" },
      ),
      {
        name: "RangeError",
        message:
          `Cannot dispatch batch: contexts 0 and 2 share the signal directory '${
            dirname(c1.artifactPath)
          }'; expected one context per directory`,
      },
    );
    await assert.rejects(
      dispatcher.dispatchBatch([c1], {
        phase: "review" as "triage",
      }),
      {
        name: "TypeError",
        message:
          `Cannot dispatch batch with phase "review": expected "triage", "investigation" or "single"`,
      },
    );
    await assert.rejects(
      dispatcher.dispatchBatch([c1], {
        phase: "triage",
        briefing: 3 as unknown as string,
      }),
      TypeError,
    );
    await assert.rejects(Deno.stat(join(root, "s")), Deno.errors.NotFound);
  });
});

Deno.test("BatchFileDispatcher validates its options", () => {
  assert.throws(() => new BatchFileDispatcher({ suiteDir: "" }), {
    name: "TypeError",
    message:
      `Cannot create batch file dispatcher with 'suiteDir' = "": expected a non-empty path`,
  });
  for (const concurrency of [0, 1.5, -1, NaN]) {
    assert.throws(
      () => new BatchFileDispatcher({ suiteDir: "s", concurrency }),
      {
        name: "RangeError",
        message:
          `Cannot create batch file dispatcher with 'concurrency' = ${concurrency}: expected a positive integer or Infinity`,
      },
    );
  }
  assert.throws(
    () =>
      new BatchFileDispatcher({
        suiteDir: "s",
        wrapSlot: "no" as unknown as () => Dispatcher,
      }),
    /'wrapSlot' = "no": expected a function/,
  );
  assert.throws(
    () => new BatchFileDispatcher({ suiteDir: "s", file: { timeoutMs: 0 } }),
    /Cannot create file dispatcher with 'timeoutMs' = 0/,
  );
  assert.equal(
    new BatchFileDispatcher({ suiteDir: "s" }).suiteDir,
    join(Deno.cwd(), "s"),
  );
});

// --- rolling batches (offer) ------------------------------------------------------

Deno.test("offered contexts join the batch in flight: one manifest, the briefing built once", async () => {
  await withRoot(async (root) => {
    // C1 is held back until C2 has joined, so the batch is still in flight.
    const held = Promise.withResolvers<void>();
    const log = new BatchEventLog();
    const tasks = new AgentTasks();
    const dispatcher = new BatchFileDispatcher({
      suiteDir: join(root, "suite"),
      file: { pollIntervalMs: 25, timeoutMs: 20_000 },
      onEvent: (event) => {
        log.onEvent(event);
        if (event.kind !== "signal" || event.status !== "waiting") return;
        tasks.run(async () => {
          if (event.caseId === "C1") await held.promise;
          await answer(event.path, dataFor(event.caseId));
        });
      },
    });
    let briefings = 0;
    const briefing = () => `# Briefing ${++briefings}\n`;
    const [c1, c3] = dispatcher.offer(contextsFor(root, "C1", "C3"), {
      phase: "triage",
      briefing,
    });
    assert.deepEqual(await c3, dataFor("C3"));
    const [c2] = dispatcher.offer(contextsFor(root, "C2"), {
      phase: "triage",
      briefing,
    });
    assert.deepEqual(await c2, dataFor("C2"));
    held.resolve();
    assert.deepEqual(await c1, dataFor("C1"));
    await tasks.settle();
    assert.equal(briefings, 1, "joining builds no briefing");
    const manifest = await manifestAt(join(root, "suite", MANIFEST_FILE));
    assert.equal(manifest.batch_id, 1);
    assert.equal(manifest.status, "done");
    assert.equal(manifest.total, 3);
    assert.deepEqual(
      manifest.signals.map((s) => [s.case_id, s.status]),
      [["C1", "done"], ["C3", "done"], ["C2", "done"]],
    );
    assert.deepEqual(
      await manifestAt(join(root, "suite", "batches", "0001", MANIFEST_FILE)),
      manifest,
      "archived once its last entry finished, before that entry's answer",
    );
    assert.deepEqual(
      log.of("batch-archived").map((e) => e.batchId),
      [1],
    );
    assertLifecycle(log, 1, "done");
  });
});

Deno.test("an offer opens the next batch after the last one finished, changed phase or filled up", async () => {
  await withRoot(async (root) => {
    const { dispatcher, log, tasks } = withAgent(root, undefined, {
      maxEntries: 2,
    });
    const offer = (phase: "triage" | "investigation", ...ids: string[]) =>
      Promise.all(
        dispatcher.offer(contextsFor(root, ...ids), {
          phase,
          briefing: () => `# ${phase} ${ids.join(" ")}\n`,
        }),
      );
    // Finished: batch 1 is over when the next offer comes.
    assert.deepEqual(await offer("triage", "C1"), [dataFor("C1")]);
    assert.deepEqual(await offer("triage", "C2"), [dataFor("C2")]);
    // Offered together while batch 3 is in flight: another phase, and a
    // batch full at maxEntries, each wait for the batch before to finish.
    const results = await Promise.all([
      offer("triage", "C3", "C4"),
      offer("investigation", "C5"),
      offer("investigation", "C6", "C7"),
    ]);
    await tasks.settle();
    assert.deepEqual(results, [
      [dataFor("C3"), dataFor("C4")],
      [dataFor("C5")],
      [dataFor("C6"), dataFor("C7")],
    ]);
    const suite = join(root, "suite");
    const archived = [];
    for (const id of ["0001", "0002", "0003", "0004", "0005"]) {
      const m = await manifestAt(join(suite, "batches", id, MANIFEST_FILE));
      archived.push(
        `${m.phase}: ${m.signals.map((s) => s.case_id).join(" ")} ${m.status}`,
      );
    }
    assert.deepEqual(archived, [
      "triage: C1 done",
      "triage: C2 done",
      "triage: C3 C4 done",
      "investigation: C5 done",
      "investigation: C6 C7 done",
    ]);
    assert.equal(
      await Deno.readTextFile(join(suite, "batches", "0004", BRIEFING_FILE)),
      "# investigation C5\n",
    );
    // Batches never overlap: each is archived before the next is written.
    const order = log.events
      .filter((e) =>
        e.kind === "batch-archived" ||
        e.kind === "batch-status" && e.status === "pending"
      )
      .map((e) => `${e.batchId}:${e.kind === "batch-archived" ? "a" : "p"}`);
    assert.deepEqual(order, [
      "1:p",
      "1:a",
      "2:p",
      "2:a",
      "3:p",
      "3:a",
      "4:p",
      "4:a",
      "5:p",
      "5:a",
    ]);
  });
});

Deno.test("a batch dispatched whole takes no offered contexts; offer validates", async () => {
  await withRoot(async (root) => {
    const { dispatcher, tasks } = withAgent(root);
    const whole = dispatcher.dispatchBatch(contextsFor(root, "C1"), {
      phase: "triage",
    });
    const [joined] = dispatcher.offer(contextsFor(root, "C2"), {
      phase: "triage",
    });
    assert.deepEqual(await joined, dataFor("C2"));
    assert.equal((await whole)[0].status, "fulfilled");
    await tasks.settle();
    const m = await manifestAt(
      join(root, "suite", "batches", "0002", MANIFEST_FILE),
    );
    assert.deepEqual(m.signals.map((s) => s.case_id), ["C2"]);
    assert.throws(
      () => dispatcher.offer([], { phase: "triage" }),
      RangeError,
    );
    assert.throws(
      () =>
        dispatcher.offer(contextsFor(root, "C1"), {
          phase: "triage",
          briefing: "text" as never,
        }),
      TypeError,
    );
    assert.throws(
      () => new BatchFileDispatcher({ suiteDir: root, maxEntries: 0 }),
      RangeError,
    );
  });
});

Deno.test("a briefing that cannot be built fails the offered contexts only", async () => {
  await withRoot(async (root) => {
    const { dispatcher, tasks } = withAgent(root);
    const [failed] = dispatcher.offer(contextsFor(root, "C1"), {
      phase: "triage",
      briefing: () => Promise.reject(new Error("store closed")),
    });
    await assert.rejects(failed, /store closed/);
    const [next] = dispatcher.offer(contextsFor(root, "C2"), {
      phase: "triage",
    });
    assert.deepEqual(await next, dataFor("C2"));
    await tasks.settle();
  });
});
