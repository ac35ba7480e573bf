import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import {
  type Responder,
  RESPONDER_AGENT,
  type ResponderEvent,
  type ResponderOptions,
  startResponder,
} from "./responder.ts";
import { runDirKnowledge } from "./run_dir_knowledge.ts";
import { withLinks, writeCaseState } from "../pipeline/case_state.ts";
import { type PipelineStep, stepFiles } from "../pipeline/step.ts";
import { resolveThresholds } from "../pipeline/thresholds.ts";
import { type PreparedRun, prepareRun } from "../runner/calibration_run.ts";
import { runLayout } from "../runner/run_layout.ts";
import { loadScenario } from "../scenario/load_scenario.ts";
import { MemoryStore } from "../store/memory_store.ts";
import { MANIFEST_FILE, writeManifest } from "../transport/batch_manifest.ts";
import { CLAIM_FILE, claimSignal, readClaim } from "../transport/claim.ts";
import { readSignal, type Signal, writeSignal } from "../transport/signal.ts";
import { atomicWriteTextFileSync } from "../util/atomic_write.ts";
import { recyclingWriteSync } from "../util/recycling_write.ts";
import { systemClock, type TimerClock, type TimerId } from "../util/clock.ts";
import { waitFor, withDeadline } from "../../tests/support/wait_for.ts";

const scenario = await loadScenario("ptp-mock");

async function preparedRun(dir: string): Promise<PreparedRun> {
  return await prepareRun({
    scenario,
    store: new MemoryStore(),
    layout: runLayout(dir),
    thresholds: resolveThresholds(),
    clock: systemClock,
  });
}

function signalFor(
  run: PreparedRun,
  caseId: string,
  step: Signal["step"],
  dispatchId: number,
): { path: string; signal: Signal } {
  const record = run.records.find((r) => r.gt.id === caseId)!;
  return {
    path: join(record.dir, "signal.json"),
    signal: {
      status: "waiting",
      dispatch_id: dispatchId,
      case_id: caseId,
      step,
      prompt_path: join(record.dir, "prompt.md"),
      artifact_path: join(record.dir, stepFiles(step as PipelineStep).artifact),
      timestamp: "2026-11-23T00:00:00Z",
    },
  };
}

/** Collects responder events; `next()` resolves with the next one. */
function eventQueue() {
  const queue: ResponderEvent[] = [];
  const waiters: ((e: ResponderEvent) => void)[] = [];
  return {
    push(event: ResponderEvent) {
      const waiter = waiters.shift();
      if (waiter) waiter(event);
      else queue.push(event);
    },
    /** The next event; rejects after 10 s so a regression fails, not hangs. */
    next(): Promise<ResponderEvent> {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      return withDeadline(
        new Promise((resolve) => waiters.push(resolve)),
        "the next responder event",
      );
    },
  };
}

/** What a responder test works with. */
interface ResponderFixture {
  readonly dir: string;
  readonly run: PreparedRun;
  readonly responder: Responder;
  readonly next: () => Promise<ResponderEvent>;
}

/** Runs `fn` with a prepared ptp-mock run and a responder watching it. */
async function withResponder(
  options: Partial<ResponderOptions>,
  fn: (fixture: ResponderFixture) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir();
  const events = eventQueue();
  const responder = startResponder({
    runDir: dir,
    scenario,
    pollIntervalMs: 10,
    mode: "poll",
    onEvent: events.push,
    ...options,
  });
  try {
    await fn({
      dir,
      run: await preparedRun(dir),
      responder,
      next: events.next,
    });
  } finally {
    await responder.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

for (const mode of ["watch", "poll"] as const) {
  Deno.test(`responder answers a waiting signal from ground truth (${mode})`, async () => {
    await withResponder(
      { mode, pollIntervalMs: mode === "watch" ? 60_000 : 20 },
      async ({ run, responder, next }) => {
        const { path, signal } = signalFor(run, "C8", "F1_TRIAGE", 41);
        await writeSignal(path, signal);
        assert.equal((await next()).type, "answered");
        const artifact = JSON.parse(
          await Deno.readTextFile(signal.artifact_path),
        );
        assert.equal(artifact.dispatch_id, 41);
        assert.equal(artifact.data.symptom_category, "infra");
        assert.equal(artifact.data.skip_investigation, true);
        assert.equal(responder.answered, 1);
      },
    );
  });
}

for (const mode of ["poll", "hinted"] as const) {
  Deno.test(`responder answers a new dispatch written into the inode, size and modification time of one it answered (${mode})`, async () => {
    await withResponder(
      { mode, pollIntervalMs: 20 },
      async ({ run, responder, next }) => {
        // The dispatcher's signals take turns in two inodes
        // (recyclingWriteSync), and two signals of the same case and step
        // family can have the same size; on a coarse clock, the same
        // modification time too.
        const first = signalFor(run, "C4", "F0_RECALL", 100);
        const encode = (signal: Signal) =>
          new TextEncoder().encode(`${JSON.stringify(signal, null, 2)}\n`);
        recyclingWriteSync(first.path, encode(first.signal));
        if (mode === "hinted") responder.notice(first.path);
        assert.equal((await next()).type, "answered");
        const seen = Deno.statSync(first.path);
        recyclingWriteSync(
          first.path,
          encode({ ...first.signal, status: "done" }),
        );
        await Deno.remove(first.signal.artifact_path);
        const second = { ...first.signal, dispatch_id: 101 };
        recyclingWriteSync(first.path, encode(second));
        const now = Deno.statSync(first.path);
        assert.equal(now.ino, seen.ino);
        assert.equal(now.size, seen.size);
        Deno.utimeSync(first.path, seen.atime!, seen.mtime!);
        if (mode === "hinted") responder.notice(first.path);
        assert.equal((await next()).type, "answered");
        const artifact = JSON.parse(
          await Deno.readTextFile(first.signal.artifact_path),
        );
        assert.equal(artifact.dispatch_id, 101);
        assert.equal(responder.answered, 2);
      },
    );
  });
}

Deno.test("responder answers through a spare file it makes ahead, and leaves none behind once stopped", async () => {
  await withResponder({}, async ({ dir, run, responder, next }) => {
    // Answers are written through their case directory's parent.
    const suiteDir = dirname(run.records[0].dir);
    assert.ok(suiteDir.startsWith(dir));
    const spares = () =>
      [...Deno.readDirSync(suiteDir)].filter((e) =>
        e.name.startsWith(".spare.")
      ).length;
    const first = signalFor(run, "C4", "F0_RECALL", 200);
    await writeSignal(first.path, first.signal);
    assert.equal((await next()).type, "answered");
    await waitFor(() => spares() === 1, "the next answer's spare is made");
    const second = signalFor(run, "C5", "F0_RECALL", 201);
    await writeSignal(second.path, second.signal);
    assert.equal((await next()).type, "answered");
    assert.equal(
      JSON.parse(await Deno.readTextFile(second.signal.artifact_path))
        .dispatch_id,
      201,
    );
    await responder.stop();
    assert.equal(spares(), 0);
  });
});

Deno.test("responder resolves store ids from the run's state files", async () => {
  await withResponder({}, async ({ dir, run, next }) => {
    const c1 = run.records[0];
    await writeCaseState(
      c1.dir,
      withLinks(c1.state, { symptomId: 1, rcaId: 7 }),
    );
    const knowledge = await runDirKnowledge(dir);
    assert.deepEqual(await knowledge.links("C1"), {
      storeCaseId: 1,
      symptomId: 1,
      rcaId: 7,
    });
    const { path, signal } = signalFor(run, "C2", "F0_RECALL", 5);
    await writeSignal(path, signal);
    await next();
    const artifact = JSON.parse(await Deno.readTextFile(signal.artifact_path));
    assert.equal(artifact.data.match, true);
    assert.equal(artifact.data.prior_rca_id, 7);
    assert.equal(artifact.data.symptom_id, 1);
  });
});

Deno.test("responder answers each dispatch once and skips signals not waiting", async () => {
  await withResponder({}, async ({ run, responder, next }) => {
    const done = signalFor(run, "C3", "F0_RECALL", 1);
    await writeSignal(done.path, { ...done.signal, status: "done" });
    const first = signalFor(run, "C4", "F0_RECALL", 2);
    await writeSignal(first.path, first.signal);
    await next();
    await Deno.remove(first.signal.artifact_path);
    // A re-dispatch of the same case and step gets a new id and is answered.
    await writeSignal(first.path, { ...first.signal, dispatch_id: 3 });
    await next();
    const artifact = JSON.parse(
      await Deno.readTextFile(first.signal.artifact_path),
    );
    assert.equal(artifact.dispatch_id, 3);
    assert.equal(responder.answered, 2);
    await assert.rejects(Deno.stat(done.signal.artifact_path));
  });
});

Deno.test("responder reports a scenario mismatch in the signal", async () => {
  await withResponder(
    { scenario: { ...scenario, name: "other-scenario" } },
    async ({ run, next }) => {
      const { path, signal } = signalFor(run, "C1", "F0_RECALL", 9);
      await writeSignal(path, signal);
      assert.equal((await next()).type, "failed");
      const written = await readSignal(path);
      assert.equal(written?.status, "error");
      assert.equal(
        written?.error,
        "Responder answers scenario 'other-scenario' but the run is 'ptp-mock'",
      );
    },
  );
});

/** A manifest for `signals` in the suite directory above them. */
async function manifestFor(
  dir: string,
  signals: { path: string; signal: Signal }[],
  status: "pending" | "done",
): Promise<void> {
  const now = "2026-11-23T00:00:00Z";
  await writeManifest(join(dir, "1", MANIFEST_FILE), {
    batch_id: 1,
    status,
    phase: "triage",
    created_at: now,
    updated_at: now,
    total: signals.length,
    completed: status === "done" ? signals.length : 0,
    briefing_path: "",
    signals: signals.map((s) => ({
      case_id: s.signal.case_id,
      step: s.signal.step,
      signal_path: s.path,
      artifact_path: s.signal.artifact_path,
      dispatch_id: s.signal.dispatch_id,
      status,
    })),
  });
}

Deno.test("responder refuses a signal whose artifact_path points outside its case", async () => {
  await withResponder({}, async ({ dir, run, responder, next }) => {
    const runJson = join(dir, "run.json");
    const before = await Deno.readTextFile(runJson);
    const { path, signal } = signalFor(run, "C1", "F0_RECALL", 21);
    await writeSignal(path, {
      ...signal,
      artifact_path: join(dirname(path), "..", "..", "run.json"),
    });
    const event = await next();
    assert.equal(event.type, "failed");
    assert.match(
      (event as { message: string }).message,
      /Refusing artifact path '.*run\.json' of signal/,
    );
    assert.equal(await Deno.readTextFile(runJson), before);
    assert.equal((await readSignal(path))?.status, "error");
    assert.equal(responder.answered, 0);
  });
});

Deno.test("responder refuses a case directory symlinked outside the run", async () => {
  await withResponder({}, async ({ run, next }) => {
    const outside = await Deno.makeTempDir();
    try {
      const { path, signal } = signalFor(run, "C2", "F0_RECALL", 22);
      const caseDir = dirname(path);
      await Deno.remove(caseDir, { recursive: true });
      await Deno.symlink(outside, caseDir);
      await writeSignal(join(outside, "signal.json"), signal);
      // The sweep does not follow the link; the watch may report the path.
      const other = signalFor(run, "C3", "F0_RECALL", 23);
      await writeSignal(other.path, other.signal);
      // A sweep that listed the case directory before it became a symlink
      // reads through the link: the responder refuses that path (io-error).
      let event = await next();
      while (event.type === "io-error") {
        assert.equal(event.path, path);
        assert.match(event.message, /a symlink leads it to/);
        event = await next();
      }
      assert.equal(event.type === "answered" && event.caseId, "C3");
      assert.deepEqual(
        [...Deno.readDirSync(outside)].map((e) => e.name),
        ["signal.json"],
      );
    } finally {
      await Deno.remove(outside, { recursive: true });
    }
  });
});

for (const forged of ["pending", "done", "garbage"] as const) {
  Deno.test(`responder claims through a ${forged} batch manifest and leaves others' claims alone`, async () => {
    await withResponder({}, async ({ dir, run, responder, next }) => {
      const mine = signalFor(run, "C1", "F0_RECALL", 31);
      const theirs = signalFor(run, "C2", "F0_RECALL", 32);
      // Agents can write the manifest: its content must change nothing.
      if (forged === "garbage") {
        await Deno.writeTextFile(join(dir, "1", MANIFEST_FILE), "{garbage");
      } else await manifestFor(dir, [mine, theirs], forged);
      assert.equal(
        await claimSignal(dirname(theirs.path), {
          dispatchId: 32,
          agent: "another agent",
        }),
        true,
      );
      await writeSignal(theirs.path, theirs.signal);
      await writeSignal(mine.path, mine.signal);
      const event = await next();
      assert.equal(event.type === "answered" && event.caseId, "C1");
      const claim = await readClaim(join(dirname(mine.path), CLAIM_FILE));
      assert.equal(claim?.agent, RESPONDER_AGENT);
      assert.equal(claim?.dispatch_id, 31);
      await responder.stop();
      await assert.rejects(Deno.stat(theirs.signal.artifact_path));
      assert.equal(responder.answered, 1);
    });
  });
}

Deno.test("responder survives an I/O error in its sweep and reports it", async () => {
  await withResponder({}, async ({ dir, run, responder, next }) => {
    const broken = signalFor(run, "C1", "F0_RECALL", 41);
    const good = signalFor(run, "C3", "F0_RECALL", 43);
    await manifestFor(dir, [broken, good], "pending");
    // A directory where claim.json should be: claiming C1 fails with an
    // I/O error (IsADirectory), as when --clean removes files under a sweep.
    await Deno.mkdir(join(dirname(broken.path), CLAIM_FILE, "x"), {
      recursive: true,
    });
    await writeSignal(broken.path, broken.signal);
    await writeSignal(good.path, good.signal);
    const events: ResponderEvent[] = [];
    // Either may come first: a sweep takes the case directories in name
    // order, and may run between the two writes.
    while (
      !events.some((e) => e.type === "answered") ||
      !events.some((e) => e.type === "io-error")
    ) {
      events.push(await next());
    }
    const failure = events.find((e) => e.type === "io-error");
    assert.ok(failure?.type === "io-error", JSON.stringify(events));
    assert.equal(failure.path, broken.path);
    const answered = events.find((e) => e.type === "answered");
    assert.equal(answered?.type === "answered" && answered.caseId, "C3");
    assert.equal(responder.answered, 1);
  });
});

for (const forged of ["newer", "garbage"] as const) {
  Deno.test(`responder answers a signal under a ${forged} forged claim, once`, async () => {
    await withResponder({}, async ({ dir, run, responder, next }) => {
      const mine = signalFor(run, "C1", "F0_RECALL", 51);
      await manifestFor(dir, [mine], "pending");
      const claimPath = join(dirname(mine.path), CLAIM_FILE);
      await Deno.mkdir(dirname(claimPath), { recursive: true });
      // An agent forges a claim: a dispatch the signal never named, or junk.
      await Deno.writeTextFile(
        claimPath,
        forged === "newer"
          ? JSON.stringify({ dispatch_id: 9_999, agent: "forger" })
          : "{garbage",
      );
      await writeSignal(mine.path, mine.signal);
      const event = await next();
      assert.equal(event.type === "answered" && event.caseId, "C1");
      const claim = await readClaim(claimPath);
      assert.equal(claim?.agent, RESPONDER_AGENT);
      assert.equal(claim?.dispatch_id, 51);
      // Rewriting the same signal does not get it answered twice.
      await writeSignal(mine.path, mine.signal);
      await responder.stop();
      assert.equal(responder.answered, 1);
    });
  });
}

/** Timers the test fires by hand, recording each delay asked for. */
class ManualTimers implements TimerClock {
  readonly delays: number[] = [];
  readonly #pending = new Map<number, () => void>();
  #next = 1;
  now(): Date {
    return new Date();
  }
  monotonic(): number {
    return performance.now();
  }
  setTimeout(callback: () => void, ms: number): TimerId {
    const id = this.#next++;
    this.delays.push(ms);
    this.#pending.set(id, callback);
    return id;
  }
  clearTimeout(id: TimerId | undefined): void {
    if (id !== undefined) this.#pending.delete(Number(id));
  }
  /** Fires every pending timer. */
  fire(): void {
    const callbacks = [...this.#pending.values()];
    this.#pending.clear();
    for (const callback of callbacks) callback();
  }
}

for (const mode of ["watch", "hinted", "poll"] as const) {
  Deno.test(`responder's fallback sweep ${mode === "poll" ? "keeps its interval in poll mode" : `backs off while the ${mode === "watch" ? "watcher runs" : "hints come"}`}`, async () => {
    const timers = new ManualTimers();
    await withResponder(
      { mode, pollIntervalMs: 100, clock: timers },
      async () => {
        for (let sweeps = 1; sweeps <= 7; sweeps++) {
          await waitFor(
            () => timers.delays.length >= sweeps,
            `sweep ${sweeps} to end`,
          );
          timers.fire();
        }
      },
    );
    assert.deepEqual(
      timers.delays.slice(0, 7),
      mode === "poll"
        ? [100, 100, 100, 100, 100, 100, 100]
        : mode === "watch"
        ? [200, 400, 800, 1600, 1600, 1600, 1600]
        : [200, 400, 800, 1600, 3200, 6400, 6400],
    );
  });
}

Deno.test("responder in hinted mode keeps backing off when its sweep finds a signal before the signal's hint", async () => {
  const timers = new ManualTimers();
  await withResponder(
    { mode: "hinted", pollIntervalMs: 100, clock: timers },
    async ({ run, next }) => {
      await waitFor(() => timers.delays.length >= 1, "the first sweep to end");
      const { path, signal } = signalFor(run, "C1", "F0_RECALL", 81);
      await writeSignal(path, signal);
      timers.fire();
      assert.equal((await next()).type, "answered");
      await waitFor(() => timers.delays.length >= 2, "the second sweep to end");
      for (let sweeps = 3; sweeps <= 4; sweeps++) {
        timers.fire();
        await waitFor(
          () => timers.delays.length >= sweeps,
          `sweep ${sweeps} to end`,
        );
      }
    },
  );
  // A reset would give 100 after the sweep that found the signal.
  assert.deepEqual(timers.delays.slice(0, 4), [200, 400, 800, 1600]);
});

Deno.test("responder writes an answer's temporary file outside the case directory: a watch on it sees the artifact's rename alone", async () => {
  await withResponder(
    { mode: "watch", pollIntervalMs: 60_000 },
    async ({ run, next }) => {
      const { path, signal } = signalFor(run, "C8", "F1_TRIAGE", 61);
      const caseDir = dirname(path);
      const seen: string[] = [];
      const watcher = Deno.watchFs(caseDir, { recursive: false });
      const watching = (async () => {
        for await (const event of watcher) seen.push(...event.paths);
      })();
      try {
        // The test's own signal write keeps its temporary file out too.
        atomicWriteTextFileSync(path, `${JSON.stringify(signal)}\n`, {
          tempDir: dirname(caseDir),
        });
        assert.equal((await next()).type, "answered");
        await waitFor(
          () => seen.includes(signal.artifact_path),
          "the artifact's watch event",
        );
      } finally {
        watcher.close();
        await watching;
      }
      // A rename's event may also name where the file came from (outside).
      assert.deepEqual(
        [...new Set(seen)].filter((p) => dirname(p) === caseDir && p !== path),
        [signal.artifact_path],
      );
    },
  );
});

Deno.test("responder leaves a waiting signal alone whose artifact is already on disk with its dispatch id (a restarted responder does not answer twice)", async () => {
  await withResponder({}, async ({ run, responder, next }) => {
    const answered = signalFor(run, "C1", "F0_RECALL", 71);
    const earlier = `${
      JSON.stringify({ dispatch_id: 71, data: { match: false } })
    }\n`;
    await Deno.writeTextFile(answered.signal.artifact_path, earlier);
    await writeSignal(answered.path, answered.signal);
    // An artifact of another dispatch is stale: that signal is answered.
    const stale = signalFor(run, "C3", "F0_RECALL", 73);
    await Deno.writeTextFile(
      stale.signal.artifact_path,
      JSON.stringify({ dispatch_id: 72, data: { match: false } }),
    );
    await writeSignal(stale.path, stale.signal);
    // A sweep takes C1's directory before C3's: once C3 is answered, C1 has
    // been looked at.
    const event = await next();
    assert.equal(event.type === "answered" && event.caseId, "C3");
    assert.equal(responder.answered, 1);
    assert.equal(
      await Deno.readTextFile(answered.signal.artifact_path),
      earlier,
    );
  });
});

Deno.test("responder in hinted mode answers the signals it is told of, watching nothing, and ignores hints outside the run directory", async () => {
  // The sweep's timers never fire: only the hint can find the signal.
  const timers = new ManualTimers();
  let hinted: Responder | undefined;
  await withResponder(
    { mode: "hinted", pollIntervalMs: 60_000, clock: timers },
    async ({ dir, run, responder, next }) => {
      await waitFor(() => timers.delays.length >= 1, "the first sweep");
      const { path, signal } = signalFor(run, "C2", "F0_RECALL", 81);
      await writeSignal(path, signal);
      responder.notice(join(dir, "..", "signal.json"));
      responder.notice(join(dirname(path), "prompt.md"));
      responder.notice(path);
      const event = await next();
      assert.equal(event.type === "answered" && event.dispatchId, 81);
      assert.equal(responder.answered, 1);
      // The same signal hinted again is not answered twice (checked once
      // the responder has stopped, its pending work done).
      responder.notice(path);
      hinted = responder;
    },
  );
  assert.equal(hinted?.answered, 1);
});
