import assert from "node:assert/strict";
import { join, relative } from "node:path";
import type {
  WatchEvent,
  WatchFactory,
  WatchHandle,
} from "./artifact_watcher.ts";
import { DispatchError, type DispatchFailure } from "./dispatch_error.ts";
import { DispatchIds } from "./dispatch_ids.ts";
import type { DispatchContext } from "./dispatcher.ts";
import {
  FileDispatcher,
  type FileDispatcherOptions,
  type FileDispatchEvent,
} from "./file_dispatcher.ts";
import { readSignal, type Signal, SIGNAL_FILE, writeSignal } from "./signal.ts";
import { CLAIM_FILE, claimSignal } from "./claim.ts";
import { ARTIFACT_JSON_SCHEMAS } from "../pipeline/artifact_json_schemas.ts";
import { Wake } from "../util/wake.ts";
import { atomicWriteJson, atomicWriteTextFile } from "../util/atomic_write.ts";
import { systemClock, type TimerClock } from "../util/clock.ts";
import { FakeTime } from "../util/fake_time.ts";
import { waitFor, withDeadline } from "../../tests/support/wait_for.ts";

// --- test doubles ---------------------------------------------------------------

/** A watch handle the test triggers by hand. */
class FakeHandle implements WatchHandle {
  readonly dir: string;
  #queue: WatchEvent[] = [];
  #closed = false;
  #wake = new Wake();

  constructor(dir: string) {
    this.dir = dir;
  }

  get closed(): boolean {
    return this.#closed;
  }

  push(event: WatchEvent): void {
    this.#queue.push(event);
    this.#wake.notify();
  }

  close(): void {
    this.#closed = true;
    this.#wake.notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<WatchEvent> {
    while (true) {
      const event = this.#queue.shift();
      if (this.#closed) return;
      if (event) yield event;
      else await this.#wake.wait();
    }
  }
}

/**
 * Timers that tell when a dispatch sleeps: its loop reads monotonic time at
 * the start of every check and arms its wake-up timer at the end, just
 * before it sleeps. One dispatch per clock.
 */
class SleepProbe implements TimerClock {
  readonly #inner: TimerClock;
  /** Wake-up timers armed so far: checks that ended in a sleep. */
  sleeps = 0;
  /** The last check ended in a sleep and no check has started since. */
  asleep = false;

  constructor(inner: TimerClock) {
    this.#inner = inner;
  }

  now(): Date {
    return this.#inner.now();
  }

  monotonic(): number {
    this.asleep = false;
    return this.#inner.monotonic();
  }

  setTimeout(callback: () => void, ms: number): number {
    this.sleeps += 1;
    this.asleep = true;
    return this.#inner.setTimeout(callback, ms);
  }

  clearTimeout(id: number | undefined): void {
    this.#inner.clearTimeout(id);
  }
}

/** A watch factory whose handles emit only what the test pushes. */
class FakeWatch {
  /** Set by {@linkcode manual}: the sleeps of its dispatch. */
  probe: SleepProbe | undefined;
  readonly handles: FakeHandle[] = [];
  readonly factory: WatchFactory = (dir) => {
    const handle = new FakeHandle(dir);
    this.handles.push(handle);
    return handle;
  };

  /** Sends `event` to every open handle. */
  emit(event: WatchEvent = { kind: "change", paths: [] }): void {
    for (const handle of this.handles) handle.push(event);
  }

  get open(): number {
    return this.handles.filter((handle) => !handle.closed).length;
  }

  /** Resolves once the dispatch sleeps (fails after a real deadline). */
  async asleep(): Promise<void> {
    const probe = this.probe;
    assert.ok(probe, "a dispatch made by manual()");
    await waitFor(() => probe.asleep, "the dispatch sleeps");
  }

  /**
   * Waits until the dispatch sleeps, sends a change event and resolves once
   * a check that began after it has ended in a sleep again: whatever the
   * files held before this call has been seen. Call it when no fake timer
   * has just fired (the check it starts could predate the files).
   */
  async emitAndSettle(): Promise<void> {
    const probe = this.probe!;
    await this.asleep();
    const before = probe.sleeps;
    this.emit();
    await waitFor(
      () => probe.sleeps > before && probe.asleep,
      "the dispatch checks and sleeps again",
    );
  }
}

/** Records dispatcher events and lets a test wait for one. */
class EventLog {
  readonly events: FileDispatchEvent[] = [];
  #waiters: {
    match: (event: FileDispatchEvent) => boolean;
    resolve: (event: FileDispatchEvent) => void;
  }[] = [];

  readonly onEvent = (event: FileDispatchEvent): void => {
    this.events.push(event);
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!waiter.match(event)) return true;
      waiter.resolve(event);
      return false;
    });
  };

  /** Resolves with the first event (past or future) of `kind` matching `match`. */
  waitFor<K extends FileDispatchEvent["kind"]>(
    kind: K,
    match: (event: Extract<FileDispatchEvent, { kind: K }>) => boolean = () =>
      true,
  ): Promise<Extract<FileDispatchEvent, { kind: K }>> {
    const test = (event: FileDispatchEvent) =>
      event.kind === kind &&
      match(event as Extract<FileDispatchEvent, { kind: K }>);
    const past = this.events.find(test);
    if (past) {
      return Promise.resolve(past as Extract<FileDispatchEvent, { kind: K }>);
    }
    return withDeadline(
      new Promise((resolve) =>
        this.#waiters.push({
          match: test,
          resolve: (event) =>
            resolve(event as Extract<FileDispatchEvent, { kind: K }>),
        })
      ),
      `a '${kind}' event`,
    );
  }

  of<K extends FileDispatchEvent["kind"]>(
    kind: K,
  ): Extract<FileDispatchEvent, { kind: K }>[] {
    return this.events.filter((event) => event.kind === kind) as Extract<
      FileDispatchEvent,
      { kind: K }
    >[];
  }
}

// --- helpers --------------------------------------------------------------------

const DATA = { match: true, confidence: 0.9, reasoning: "seen before" };
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

interface Case {
  readonly dir: string;
  readonly context: DispatchContext;
  readonly artifactPath: string;
  readonly signalPath: string;
}

/** Runs `fn` with a fresh case directory under a temporary directory. */
async function withCase(
  fn: (kase: Case) => Promise<void>,
  overrides: Partial<DispatchContext> = {},
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "asterisk-file-dispatch-" });
  const dir = join(root, "1", "3");
  try {
    await Deno.mkdir(dir, { recursive: true });
    await fn(makeCase(dir, overrides));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

function makeCase(dir: string, overrides: Partial<DispatchContext> = {}): Case {
  const artifactPath = join(dir, "recall-result.json");
  return {
    dir,
    artifactPath,
    signalPath: join(dir, SIGNAL_FILE),
    context: {
      caseId: "C1",
      step: "F0_RECALL",
      prompt: "Recall prompt",
      schema: ARTIFACT_JSON_SCHEMAS.F0_RECALL,
      promptPath: join(dir, "prompt-recall.md"),
      artifactPath,
      ...overrides,
    },
  };
}

/** Writes the wrapper atomically, as a well-behaved agent does. */
function respond(path: string, dispatchId: number, data: unknown = DATA) {
  return atomicWriteJson(path, { dispatch_id: dispatchId, data });
}

async function signalOf(path: string): Promise<Signal> {
  const signal = await readSignal(path);
  assert.ok(signal, `no valid signal at '${path}'`);
  return signal;
}

async function assertDispatchError(
  promise: Promise<unknown>,
  reason: DispatchFailure,
  message?: string | RegExp,
): Promise<DispatchError> {
  let caught: unknown;
  try {
    await withDeadline(promise, `the dispatch fails with '${reason}'`);
  } catch (error) {
    caught = error;
  }
  assert.ok(
    caught instanceof DispatchError,
    `expected DispatchError, got ${caught}`,
  );
  assert.equal(caught.name, "DispatchError");
  assert.equal(caught.reason, reason, caught.message);
  if (typeof message === "string") assert.equal(caught.message, message);
  else if (message) assert.match(caught.message, message);
  return caught;
}

/**
 * A dispatcher with a fake watch that only the test triggers. The poll is
 * slower than the timeout, so a missed wake-up fails the test with 'timeout'
 * instead of passing late.
 */
function manual(
  watch: FakeWatch,
  log: EventLog,
  options: FileDispatcherOptions = {},
): FileDispatcher {
  watch.probe = new SleepProbe(options.clock ?? systemClock);
  return new FileDispatcher({
    pollIntervalMs: 60_000,
    timeoutMs: 20_000,
    watch: watch.factory,
    onEvent: log.onEvent,
    ...options,
    clock: watch.probe,
  });
}

// --- signal and success ---------------------------------------------------------

Deno.test("post writes a waiting signal and resolves before the artifact exists", async () => {
  await withCase(async ({ context, artifactPath, signalPath, dir }) => {
    const watch = new FakeWatch();
    const log = new EventLog();
    const dispatcher = manual(watch, log, {
      ids: new DispatchIds({ first: 41 }),
    });
    const pending = await dispatcher.post(context);
    assert.equal(pending.dispatchId, 41);
    assert.equal(pending.signalPath, signalPath);
    assert.equal(pending.artifactPath, artifactPath);
    assert.deepEqual(watch.handles.map((h) => h.dir), [dir]);

    const signal = await signalOf(signalPath);
    assert.deepEqual({ ...signal, timestamp: "" }, {
      status: "waiting",
      dispatch_id: 41,
      case_id: "C1",
      step: "F0_RECALL",
      prompt_path: join(dir, "prompt-recall.md"),
      artifact_path: artifactPath,
      timestamp: "",
    });
    assert.match(signal.timestamp, TIMESTAMP);
    assert.equal("error" in signal, false);
    await assert.rejects(Deno.stat(artifactPath), Deno.errors.NotFound);

    let settled = false;
    pending.result.finally(() => settled = true);
    await watch.emitAndSettle();
    assert.equal(settled, false, "result waits for the artifact");

    await respond(artifactPath, 41);
    watch.emit();
    assert.deepEqual(await pending.result, DATA);
    const done = await signalOf(signalPath);
    assert.equal(done.status, "done");
    assert.equal(done.dispatch_id, 41);
    assert.equal(done.artifact_path, artifactPath);
    assert.equal(done.prompt_path, join(dir, "prompt-recall.md"));
    assert.equal("error" in done, false);
    assert.equal(watch.open, 0, "the watch is closed");
    assert.deepEqual(
      log.of("signal").map((e) => e.status),
      ["waiting", "done"],
    );
    assert.deepEqual(log.of("accepted").map((e) => e.path), [artifactPath]);
    for (const event of log.events) {
      assert.equal(event.caseId, "C1");
      assert.equal(event.step, "F0_RECALL");
      assert.equal(event.dispatchId, 41);
    }
  });
});

Deno.test("onSignalWritten hears of each waiting signal once it is on disk, before the watch starts", async () => {
  await withCase(async ({ context, artifactPath, signalPath }) => {
    const watch = new FakeWatch();
    const log = new EventLog();
    const heard: { path: string; status?: string; handles: number }[] = [];
    const dispatcher = manual(watch, log, {
      ids: new DispatchIds({ first: 51 }),
      onSignalWritten: (path) =>
        heard.push({
          path,
          status: JSON.parse(Deno.readTextFileSync(path)).status,
          handles: watch.handles.length,
        }),
    });
    const pending = await dispatcher.post(context);
    assert.deepEqual(heard, [{
      path: signalPath,
      status: "waiting",
      handles: 0,
    }]);
    await respond(artifactPath, 51);
    watch.emit();
    assert.deepEqual(await pending.result, DATA);
    assert.equal(heard.length, 1, "the done signal is not announced");
  });
});

Deno.test("dispatch resolves with the wrapper's data", async () => {
  await withCase(async ({ context, artifactPath, signalPath }) => {
    const dispatcher = new FileDispatcher({ mode: "poll", pollIntervalMs: 5 });
    const result = dispatcher.dispatch(context);
    const dispatchId = (await waitForSignal(signalPath)).dispatch_id;
    await respond(artifactPath, dispatchId, { decision: "approve" });
    assert.deepEqual(await result, { decision: "approve" });
  });
});

/** Polls until a signal with `status` is on disk (the test's own agent loop). */
async function waitForSignal(
  path: string,
  status: Signal["status"] = "waiting",
): Promise<Signal> {
  return await waitFor(
    async () => {
      const signal = await readSignal(path);
      return signal?.status === status && signal;
    },
    `the signal is ${status}`,
    { intervalMs: 2 },
  );
}

Deno.test("the real directory watch finds the artifact without polling", async () => {
  await withCase(async ({ context, artifactPath, signalPath }) => {
    const log = new EventLog();
    const probe = new SleepProbe(systemClock);
    const dispatcher = new FileDispatcher({
      pollIntervalMs: 60_000,
      timeoutMs: 20_000,
      onEvent: log.onEvent,
      clock: probe,
    });
    const pending = await dispatcher.post(context);
    // Once a first file has been seen and the loop is asleep, only the watch
    // can wake it before the (20 s) deadline.
    await atomicWriteTextFile(artifactPath, "{");
    await log.waitFor("unsettled");
    await waitFor(() => probe.asleep, "the dispatch sleeps");
    await respond(artifactPath, pending.dispatchId);
    assert.deepEqual(await pending.result, DATA);
    assert.equal((await log.waitFor("accepted")).trigger, "watch");
    assert.equal((await signalOf(signalPath)).status, "done");
    assert.deepEqual(log.of("watch-fallback"), []);
  });
});

Deno.test("poll mode finds the artifact without a watch", async () => {
  await withCase(async ({ context, artifactPath, signalPath }) => {
    const log = new EventLog();
    const time = new FakeTime();
    const probe = new SleepProbe(time);
    const dispatcher = new FileDispatcher({
      mode: "poll",
      pollIntervalMs: 5,
      onEvent: log.onEvent,
      clock: probe,
      watch: () => {
        throw new Error("poll mode must not watch");
      },
    });
    const pending = await dispatcher.post(context);
    // The first check and three polls find nothing.
    for (let poll = 1; poll <= 4; poll++) {
      await waitFor(
        () => probe.sleeps === poll && probe.asleep,
        `check ${poll} ends in a sleep`,
      );
      assert.equal(time.nextTimerIn, 5);
      if (poll < 4) time.tick(5);
    }
    assert.equal(probe.sleeps, 4);
    await respond(artifactPath, pending.dispatchId);
    time.tick(5);
    assert.deepEqual(await pending.result, DATA);
    assert.equal((await log.waitFor("accepted")).trigger, "poll");
    assert.equal(log.of("watch-fallback").length, 0);
    assert.equal((await signalOf(signalPath)).status, "done");
  });
});

Deno.test("an artifact already in place before post is accepted at once", async () => {
  await withCase(async ({ context, artifactPath }) => {
    const watch = new FakeWatch();
    // The agent may answer between post and the first check: simulate it by
    // writing the artifact from the 'waiting' signal event.
    const dispatcher = new FileDispatcher({
      pollIntervalMs: 60_000,
      timeoutMs: 20_000,
      watch: watch.factory,
      onEvent: (event) => {
        if (event.kind === "signal" && event.status === "waiting") {
          Deno.writeTextFileSync(
            artifactPath,
            JSON.stringify({ dispatch_id: event.dispatchId, data: DATA }),
          );
        }
      },
    });
    const pending = await dispatcher.post(context);
    assert.deepEqual(await pending.result, DATA, "no watch event needed");
    assert.equal(watch.open, 0);
  });
});

Deno.test("relative paths are written to the signal as absolute paths", async () => {
  await withCase(async ({ context, artifactPath, signalPath, dir }) => {
    const watch = new FakeWatch();
    const dispatcher = manual(watch, new EventLog());
    const pending = await dispatcher.post({
      ...context,
      promptPath: relative(Deno.cwd(), join(dir, "prompt-recall.md")),
      artifactPath: relative(Deno.cwd(), artifactPath),
    });
    assert.equal(pending.artifactPath, artifactPath);
    assert.equal(pending.signalPath, signalPath);
    const signal = await signalOf(signalPath);
    assert.equal(signal.artifact_path, artifactPath);
    assert.equal(signal.prompt_path, join(dir, "prompt-recall.md"));
    await respond(artifactPath, pending.dispatchId);
    watch.emit();
    await pending.result;
  });
});

Deno.test("post creates a missing case directory", async () => {
  await withCase(async ({ dir }) => {
    const nested = makeCase(join(dir, "new", "case"));
    const watch = new FakeWatch();
    const dispatcher = manual(watch, new EventLog());
    const pending = await dispatcher.post(nested.context);
    assert.equal((await signalOf(nested.signalPath)).status, "waiting");
    await respond(nested.artifactPath, pending.dispatchId);
    watch.emit();
    assert.deepEqual(await pending.result, DATA);
  });
});

Deno.test("the previous dispatch's signal is replaced through the one spare file, creating no other", async () => {
  await withCase(async ({ context, artifactPath, signalPath, dir }) => {
    const watch = new FakeWatch();
    const dispatcher = manual(watch, new EventLog());
    const first = await dispatcher.post(context);
    await respond(artifactPath, first.dispatchId);
    watch.emit();
    await first.result;
    assert.equal((await signalOf(signalPath)).status, "done");
    const inodes = new Set([
      Deno.statSync(signalPath).ino,
      Deno.statSync(join(dir, ".signal.json.spare")).ino,
    ]);
    const second = await dispatcher.post(context);
    const signal = await signalOf(signalPath);
    assert.equal(signal.status, "waiting");
    assert.equal(signal.dispatch_id, second.dispatchId);
    await respond(artifactPath, second.dispatchId);
    watch.emit();
    await second.result;
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names, [
      ".signal.json.spare",
      "recall-result.json",
      SIGNAL_FILE,
    ]);
    // Two more statuses, no new file: the same two inodes took turns.
    assert.ok(inodes.has(Deno.statSync(signalPath).ino));
    assert.ok(inodes.has(Deno.statSync(join(dir, ".signal.json.spare")).ino));
  });
});

// --- stale artifacts ------------------------------------------------------------

Deno.test("an artifact left from an earlier run is removed when posting", async () => {
  await withCase(async ({ context, artifactPath }) => {
    // Even one carrying the id the new dispatch will get.
    await respond(artifactPath, 500, { old: true });
    const watch = new FakeWatch();
    const dispatcher = manual(watch, new EventLog(), {
      ids: new DispatchIds({ first: 500 }),
    });
    const pending = await dispatcher.post(context);
    await assert.rejects(Deno.stat(artifactPath), Deno.errors.NotFound);
    await respond(artifactPath, 500, { fresh: true });
    watch.emit();
    assert.deepEqual(await pending.result, { fresh: true });
  });
});

Deno.test("a stale artifact is rejected and the right one then accepted", async () => {
  await withCase(async ({ context, artifactPath, signalPath }) => {
    const watch = new FakeWatch();
    const log = new EventLog();
    const dispatcher = manual(watch, log, {
      ids: new DispatchIds({ first: 8 }),
    });
    const pending = await dispatcher.post(context);
    await respond(artifactPath, 7, { stale: true });
    watch.emit();
    const stale = await log.waitFor("stale");
    assert.equal(stale.foundId, 7);
    assert.equal(stale.streak, 1);
    assert.equal(stale.path, artifactPath);
    assert.equal((await signalOf(signalPath)).status, "waiting");

    await respond(artifactPath, 8);
    watch.emit();
    assert.deepEqual(await pending.result, DATA);
    assert.equal((await signalOf(signalPath)).status, "done");
  });
});

Deno.test("maxStaleRejects stale artifacts in a row fail the dispatch with 'stale'", async () => {
  await withCase(async ({ context, artifactPath, signalPath }) => {
    const log = new EventLog();
    const dispatcher = new FileDispatcher({
      mode: "poll",
      pollIntervalMs: 5,
      maxStaleRejects: 3,
      ids: new DispatchIds({ first: 8 }),
      onEvent: log.onEvent,
    });
    const pending = await dispatcher.post(context);
    await respond(artifactPath, 7, { stale: true });
    const error = await assertDispatchError(
      pending.result,
      "stale",
      `Cannot accept artifact '${artifactPath}': expected dispatch_id 8, found stale dispatch_id 7 (3 stale artifacts in a row)`,
    );
    assert.deepEqual(log.of("stale").map((e) => e.streak), [1, 2, 3]);
    const signal = await signalOf(signalPath);
    assert.equal(signal.status, "error");
    assert.equal(signal.error, error.message);
    assert.deepEqual(log.of("error").map((e) => e.error), [error]);
  });
});

Deno.test("watch events alone do not use up the stale tolerance", async () => {
  await withCase(async ({ context, artifactPath }) => {
    const watch = new FakeWatch();
    const log = new EventLog();
    const dispatcher = manual(watch, log, {
      maxStaleRejects: 2,
      settleMs: 60_000,
      ids: new DispatchIds({ first: 8 }),
    });
    const pending = await dispatcher.post(context);
    await respond(artifactPath, 7, { stale: true });
    watch.emit();
    await log.waitFor("stale");
    for (let i = 0; i < 5; i++) await watch.emitAndSettle();
    // A sync point: once this is reported, every earlier event was handled.
    await atomicWriteTextFile(artifactPath, "{");
    watch.emit();
    await log.waitFor("unsettled");
    assert.deepEqual(log.of("stale").map((e) => e.streak), [1]);
    await respond(artifactPath, 8);
    watch.emit();
    assert.deepEqual(await pending.result, DATA);
  });
});

Deno.test("each new stale artifact counts, even between polls", async () => {
  await withCase(async ({ context, artifactPath }) => {
    const watch = new FakeWatch();
    const log = new EventLog();
    const dispatcher = manual(watch, log, {
      maxStaleRejects: 3,
      ids: new DispatchIds({ first: 10 }),
    });
    const pending = await dispatcher.post(context);
    for (const id of [7, 8, 9]) {
      await respond(artifactPath, id, { stale: id });
      watch.emit();
      await log.waitFor("stale", (e) => e.foundId === id);
    }
    await assertDispatchError(
      pending.result,
      "stale",
      /found stale dispatch_id 9/,
    );
  });
});

// --- claims ---------------------------------------------------------------------

Deno.test("a claim left from an earlier dispatch is removed before the signal is written", async () => {
  await withCase(async ({ context, dir }) => {
    const claimPath = join(dir, CLAIM_FILE);
    // Even one carrying the id the new dispatch will get.
    await atomicWriteJson(claimPath, { dispatch_id: 60, agent: "old" });
    const watch = new FakeWatch();
    const log = new EventLog();
    let claimAtSignal: boolean | undefined;
    const dispatcher = manual(watch, new EventLog(), {
      ids: new DispatchIds({ first: 60 }),
      onEvent: (event) => {
        log.onEvent(event);
        if (event.kind === "signal" && event.status === "waiting") {
          try {
            Deno.statSync(claimPath);
            claimAtSignal = true;
          } catch {
            claimAtSignal = false;
          }
        }
      },
    });
    const pending = await dispatcher.post(context);
    assert.equal(claimAtSignal, false);
    await claimSignal(dir, { dispatchId: 60, agent: "new" });
    watch.emit();
    assert.equal((await log.waitFor("claimed")).agent, "new");
    await respond(context.artifactPath, 60);
    watch.emit();
    await pending.result;
  });
});

Deno.test("a claim naming the dispatch is reported once, before the artifact is accepted", async () => {
  await withCase(async ({ context, artifactPath, dir }) => {
    const watch = new FakeWatch();
    const log = new EventLog();
    const dispatcher = manual(watch, log, {
      ids: new DispatchIds({ first: 70 }),
    });
    const pending = await dispatcher.post(context);
    assert.equal(
      await claimSignal(dir, {
        dispatchId: 70,
        agent: "subagent-2",
        clock: new FakeTime({ start: "2026-02-17T10:00:05Z" }),
      }),
      true,
    );
    watch.emit();
    const claimed = await log.waitFor("claimed");
    assert.equal(claimed.agent, "subagent-2");
    assert.equal(claimed.claimedAt, "2026-02-17T10:00:05Z");
    assert.equal(claimed.dispatchId, 70);
    assert.equal(claimed.path, join(dir, CLAIM_FILE));
    // The first check may still run when the claim appears.
    assert.ok(["start", "watch"].includes(claimed.trigger), claimed.trigger);
    await watch.emitAndSettle();
    await respond(artifactPath, 70);
    watch.emit();
    await pending.result;
    assert.equal(log.of("claimed").length, 1);
    const kinds = log.events.map((event) => event.kind);
    assert.ok(kinds.indexOf("claimed") < kinds.indexOf("accepted"));
  });
});

Deno.test("a claim and the artifact found by the same check are both reported", async () => {
  await withCase(async ({ context, artifactPath, dir }) => {
    const watch = new FakeWatch();
    const log = new EventLog();
    const dispatcher = manual(watch, log, {
      ids: new DispatchIds({ first: 75 }),
    });
    const pending = await dispatcher.post(context);
    await claimSignal(dir, { dispatchId: 75, agent: "fast" });
    await respond(artifactPath, 75);
    watch.emit();
    await pending.result;
    assert.deepEqual(
      log.events.filter((e) => e.kind === "claimed" || e.kind === "accepted")
        .map((e) => e.kind),
      ["claimed", "accepted"],
    );
  });
});

Deno.test("a claim of another dispatch, or an unparseable one, is not reported", async () => {
  await withCase(async ({ context, artifactPath, dir }) => {
    const watch = new FakeWatch();
    const log = new EventLog();
    const dispatcher = manual(watch, log, {
      ids: new DispatchIds({ first: 80 }),
    });
    const pending = await dispatcher.post(context);
    const claimPath = join(dir, CLAIM_FILE);
    await atomicWriteJson(claimPath, { dispatch_id: 79, agent: "late" });
    await watch.emitAndSettle();
    await atomicWriteTextFile(claimPath, "{");
    await watch.emitAndSettle();
    await respond(artifactPath, 80);
    watch.emit();
    await pending.result;
    assert.deepEqual(log.of("claimed"), []);
  });
});

Deno.test("post fails with 'io' when the old claim cannot be removed", async () => {
  await withCase(async ({ context, signalPath, dir }) => {
    const claimPath = join(dir, CLAIM_FILE);
    await Deno.mkdir(join(claimPath, "child"), { recursive: true });
    const watch = new FakeWatch();
    const dispatcher = manual(watch, new EventLog());
    await assertDispatchError(
      dispatcher.post(context),
      "io",
      new RegExp(`^Cannot remove old claim '${claimPath}' for C1 F0_RECALL`),
    );
    await assert.rejects(Deno.stat(signalPath), Deno.errors.NotFound);
  });
});

// --- incomplete and invalid artifacts -------------------------------------------

Deno.test("invalid JSON that stays unchanged for settleMs fails with 'invalid-json'", async () => {
  await withCase(async ({ context, artifactPath, signalPath }) => {
    const watch = new FakeWatch();
    const log = new EventLog();
    const time = new FakeTime();
    const dispatcher = manual(watch, log, { settleMs: 30, clock: time });
    const pending = await dispatcher.post(context);
    await atomicWriteTextFile(artifactPath, '{"dispatch_id": 1, "data": {');
    await watch.emitAndSettle();
    time.tick(29);
    await watch.emitAndSettle();
    assert.deepEqual(log.of("error"), [], "29 ms unchanged");
    time.tick(1);
    const error = await assertDispatchError(
      pending.result,
      "invalid-json",
      `Cannot accept artifact '${artifactPath}': invalid JSON did not settle within 30 ms`,
    );
    assert.ok(error.cause instanceof SyntaxError);
    assert.equal((await log.waitFor("error")).trigger, "settle");
    const signal = await signalOf(signalPath);
    assert.equal(signal.status, "error");
    assert.equal(signal.error, error.message);
    assert.equal(log.of("unsettled").length, 1);
    assert.equal(watch.open, 0);
  });
});

Deno.test("invalid JSON fails in poll mode too", async () => {
  await withCase(async ({ context, artifactPath }) => {
    const dispatcher = new FileDispatcher({
      mode: "poll",
      pollIntervalMs: 5,
      settleMs: 20,
    });
    const pending = await dispatcher.post(context);
    await atomicWriteTextFile(artifactPath, "not json at all");
    const error = await assertDispatchError(pending.result, "invalid-json");
    assert.ok(error.message.includes(`'${artifactPath}'`), error.message);
  });
});

Deno.test("a half-written artifact is not accepted until it is complete", async () => {
  await withCase(async ({ context, artifactPath, signalPath }) => {
    const watch = new FakeWatch();
    const log = new EventLog();
    const seen: unknown[] = [];
    const dispatcher = manual(watch, log, {
      settleMs: 60_000,
      ids: new DispatchIds({ first: 3 }),
    });
    const pending = await dispatcher.post({
      ...context,
      validate: (data) => seen.push(data),
    });
    const bytes = new TextEncoder().encode(
      JSON.stringify({ dispatch_id: 3, data: DATA }),
    );
    const half = Math.floor(bytes.length / 2);
    using file = await Deno.open(artifactPath, { write: true, create: true });
    await file.write(bytes.subarray(0, half));
    watch.emit();
    const unsettled = await log.waitFor("unsettled");
    assert.match(unsettled.problem, /^invalid JSON: /);
    assert.equal((await signalOf(signalPath)).status, "waiting");

    let written = half;
    while (written < bytes.length) {
      written += await file.write(bytes.subarray(written));
    }
    watch.emit();
    assert.deepEqual(await pending.result, DATA);
    assert.deepEqual(seen, [DATA], "validated once, complete");
  });
});

Deno.test("a half-written artifact is waited for with the real watch", async () => {
  await withCase(async ({ context, artifactPath }) => {
    const log = new EventLog();
    const dispatcher = new FileDispatcher({
      pollIntervalMs: 60_000,
      timeoutMs: 20_000,
      settleMs: 60_000,
      onEvent: log.onEvent,
    });
    const pending = await dispatcher.post(context);
    const text = JSON.stringify({
      dispatch_id: pending.dispatchId,
      data: DATA,
    });
    using file = await Deno.open(artifactPath, { write: true, create: true });
    const encoder = new TextEncoder();
    await file.write(encoder.encode(text.slice(0, 10)));
    await log.waitFor("unsettled");
    const rest = encoder.encode(text.slice(10));
    let written = 0;
    while (written < rest.length) {
      written += await file.write(rest.subarray(written));
    }
    assert.deepEqual(await pending.result, DATA);
  });
});

Deno.test("a rewrite of invalid JSON restarts the settle time", async () => {
  await withCase(async ({ context, artifactPath }) => {
    const watch = new FakeWatch();
    const log = new EventLog();
    const clock = new FakeTime();
    const dispatcher = manual(watch, log, { settleMs: 1000, clock });
    const pending = await dispatcher.post(context);
    await atomicWriteTextFile(artifactPath, "{");
    watch.emit();
    await log.waitFor("unsettled");
    clock.tick(900);
    await atomicWriteTextFile(artifactPath, '{"dispatch_id"');
    watch.emit();
    await log.waitFor("unsettled", () => log.of("unsettled").length === 2);
    clock.tick(900);
    await watch.emitAndSettle();
    assert.equal(log.of("error").length, 0, "1800 ms in all, 900 unchanged");
    clock.tick(100);
    watch.emit();
    await assertDispatchError(pending.result, "invalid-json");
  });
});

Deno.test("a wrapper with null data fails with 'invalid-artifact' naming field 'data'", async () => {
  await withCase(async ({ context, artifactPath, signalPath }) => {
    const watch = new FakeWatch();
    const dispatcher = manual(watch, new EventLog(), { settleMs: 10 });
    const pending = await dispatcher.post(context);
    await respond(artifactPath, pending.dispatchId, null);
    watch.emit();
    const error = await assertDispatchError(
      pending.result,
      "invalid-artifact",
      `Cannot accept artifact '${artifactPath}': field 'data' must not be null; expected the step payload`,
    );
    assert.equal((await signalOf(signalPath)).error, error.message);
  });
});

Deno.test("a wrapper missing 'data' for another dispatch counts as stale", async () => {
  await withCase(async ({ context, artifactPath }) => {
    const watch = new FakeWatch();
    const log = new EventLog();
    const dispatcher = manual(watch, log, {
      ids: new DispatchIds({ first: 8 }),
    });
    const pending = await dispatcher.post(context);
    await atomicWriteJson(artifactPath, { dispatch_id: 7 });
    watch.emit();
    assert.equal((await log.waitFor("stale")).foundId, 7);
    await respond(artifactPath, 8);
    watch.emit();
    assert.deepEqual(await pending.result, DATA);
  });
});

// --- validation -----------------------------------------------------------------

Deno.test("validate throwing fails with 'invalid-artifact' and sets the signal to error", async () => {
  await withCase(async ({ context, artifactPath, signalPath }) => {
    const watch = new FakeWatch();
    const log = new EventLog();
    const problem = new Error(
      `Cannot accept artifact '${artifactPath}': field 'data.confidence' must be a number between 0 and 1`,
    );
    const dispatcher = manual(watch, log, {
      ids: new DispatchIds({ first: 12 }),
    });
    const pending = await dispatcher.post({
      ...context,
      validate: () => {
        throw problem;
      },
    });
    await respond(artifactPath, 12, { confidence: 7 });
    watch.emit();
    const error = await assertDispatchError(
      pending.result,
      "invalid-artifact",
      `Artifact '${artifactPath}' for C1 F0_RECALL (dispatch 12) failed validation: ${problem.message}`,
    );
    assert.equal(error.cause, problem);
    const signal = await signalOf(signalPath);
    assert.equal(signal.status, "error");
    assert.equal(signal.error, problem.message);
    assert.deepEqual(
      log.of("signal").map((e) => e.status),
      ["waiting", "error"],
    );
    assert.equal(log.of("accepted").length, 0);
  });
});

// --- responder errors, timeout, abort -------------------------------------------

Deno.test("a responder error in signal.json fails the dispatch with its text", async () => {
  await withCase(async ({ context, signalPath }) => {
    const watch = new FakeWatch();
    const dispatcher = manual(watch, new EventLog(), {
      ids: new DispatchIds({ first: 7 }),
    });
    const pending = await dispatcher.post(context);
    const signal = await signalOf(signalPath);
    const reported = {
      ...signal,
      status: "error" as const,
      error: "prompt unreadable",
    };
    await writeSignal(signalPath, reported);
    watch.emit();
    await assertDispatchError(
      pending.result,
      "responder",
      "Responder reported an error for C1 F0_RECALL (dispatch 7): prompt unreadable",
    );
    assert.deepEqual(await signalOf(signalPath), reported, "left as written");
    assert.equal(watch.open, 0);
  });
});

Deno.test("a responder error signal without error text or timestamp is still noticed", async () => {
  await withCase(async ({ context, signalPath }) => {
    const watch = new FakeWatch();
    const dispatcher = manual(watch, new EventLog(), {
      ids: new DispatchIds({ first: 7 }),
    });
    const pending = await dispatcher.post(context);
    await atomicWriteJson(signalPath, { status: "error", dispatch_id: 7 });
    watch.emit();
    await assertDispatchError(
      pending.result,
      "responder",
      "Responder reported an error for C1 F0_RECALL (dispatch 7): no error text given",
    );
  });
});

Deno.test("an error signal of another dispatch is ignored", async () => {
  await withCase(async ({ context, signalPath, artifactPath }) => {
    const watch = new FakeWatch();
    const dispatcher = manual(watch, new EventLog(), {
      ids: new DispatchIds({ first: 7 }),
    });
    const pending = await dispatcher.post(context);
    const signal = await signalOf(signalPath);
    await writeSignal(signalPath, {
      ...signal,
      dispatch_id: 6,
      status: "error",
      error: "old",
    });
    watch.emit();
    await respond(artifactPath, 7);
    watch.emit();
    assert.deepEqual(await pending.result, DATA);
    assert.equal((await signalOf(signalPath)).status, "done");
  });
});

Deno.test("a timeout sets the signal to error", async () => {
  await withCase(async ({ context, artifactPath, signalPath }) => {
    const log = new EventLog();
    const time = new FakeTime();
    const dispatcher = new FileDispatcher({
      pollIntervalMs: 60_000,
      timeoutMs: 40,
      ids: new DispatchIds({ first: 5 }),
      onEvent: log.onEvent,
      clock: time,
      watch: new FakeWatch().factory,
    });
    const pending = await dispatcher.post(context);
    // The first check arms the wake-up timer: from then on only time counts.
    await waitFor(() => time.pendingTimers > 0, "the dispatch sleeps");
    time.tick(39);
    assert.equal(log.of("error").length, 0);
    time.tick(1);
    await assertDispatchError(
      pending.result,
      "timeout",
      `Dispatch 5 for C1 F0_RECALL timed out after 40 ms waiting for artifact '${artifactPath}'`,
    );
    assert.equal((await log.waitFor("error")).trigger, "deadline");
    const signal = await signalOf(signalPath);
    assert.equal(signal.status, "error");
    assert.equal(
      signal.error,
      `timed out after 40 ms waiting for ${artifactPath}`,
    );
  });
});

Deno.test("the deadline follows the injected clock", async () => {
  await withCase(async ({ context, signalPath }) => {
    const watch = new FakeWatch();
    const log = new EventLog();
    const clock = new FakeTime();
    const dispatcher = manual(watch, log, { clock, timeoutMs: 1000 });
    const pending = await dispatcher.post(context);
    assert.equal(
      (await signalOf(signalPath)).timestamp,
      "2026-02-17T10:00:00Z",
    );
    clock.tick(999);
    await watch.emitAndSettle();
    assert.equal(log.of("error").length, 0);
    clock.tick(1);
    watch.emit();
    await assertDispatchError(pending.result, "timeout");
    const signal = await signalOf(signalPath);
    assert.equal(signal.status, "error");
    assert.equal(signal.timestamp, "2026-02-17T10:00:01Z");
    assert.equal(watch.open, 0);
  });
});

Deno.test("abort sets the signal to error and rejects without waiting for a poll", async () => {
  await withCase(async ({ context, signalPath, artifactPath }) => {
    const watch = new FakeWatch();
    const log = new EventLog();
    const controller = new AbortController();
    // Counts the wake-up timers armed: one per check that ends in a sleep.
    const time = new FakeTime();
    let armed = 0;
    const clock: TimerClock = {
      now: () => time.now(),
      monotonic: () => time.monotonic(),
      setTimeout: (callback, ms) => {
        armed += 1;
        return time.setTimeout(callback, ms);
      },
      clearTimeout: (id) => time.clearTimeout(id),
    };
    const dispatcher = manual(watch, log, {
      ids: new DispatchIds({ first: 9 }),
      clock,
    });
    const pending = await dispatcher.post({
      ...context,
      signal: controller.signal,
    });
    // Wait until the dispatch sleeps after the check that saw the artifact
    // (the start check and the watch check each arm a timer), so that only
    // the abort can wake it.
    await atomicWriteTextFile(artifactPath, "{");
    watch.emit();
    await log.waitFor("unsettled");
    await waitFor(() => armed >= 2, "the dispatch sleeps");
    const reason = new Error("Ctrl-C");
    controller.abort(reason);
    const error = await assertDispatchError(
      pending.result,
      "aborted",
      "Dispatch 9 for C1 F0_RECALL was aborted",
    );
    assert.equal(error.cause, reason);
    assert.equal((await log.waitFor("error")).trigger, "abort");
    const signal = await signalOf(signalPath);
    assert.equal(signal.status, "error");
    assert.equal(signal.error, "dispatch aborted");
    assert.equal(watch.open, 0);
  });
});

Deno.test("post rejects an already aborted dispatch without writing anything", async () => {
  await withCase(async ({ context, signalPath }) => {
    const watch = new FakeWatch();
    const dispatcher = manual(watch, new EventLog());
    await assertDispatchError(
      dispatcher.post({ ...context, signal: AbortSignal.abort() }),
      "aborted",
      "Cannot post dispatch for C1 F0_RECALL: aborted before it was posted",
    );
    await assert.rejects(Deno.stat(signalPath), Deno.errors.NotFound);
    assert.equal(watch.handles.length, 0);
  });
});

// --- watch failures -------------------------------------------------------------

Deno.test("a watch error makes the dispatch check at once and go on polling", async () => {
  await withCase(async ({ context, artifactPath, dir }) => {
    const watch = new FakeWatch();
    const log = new EventLog();
    const dispatcher = manual(watch, log);
    const pending = await dispatcher.post(context);
    // Wait until the dispatch sleeps, so that only the watch error wakes it.
    await atomicWriteTextFile(artifactPath, "{");
    watch.emit();
    await log.waitFor("unsettled");
    await watch.asleep();
    await respond(artifactPath, pending.dispatchId);
    const failure = new Error("inotify queue overflow");
    watch.emit({ kind: "error", error: failure });
    assert.deepEqual(await pending.result, DATA);
    assert.equal((await log.waitFor("accepted")).trigger, "watch");
    const fallback = log.of("watch-fallback");
    assert.equal(fallback.length, 1);
    assert.equal(fallback[0].error, failure);
    assert.equal(fallback[0].path, dir);
    assert.equal(watch.open, 0);
  });
});

Deno.test("after a watch error the poll alone finds the artifact", async () => {
  await withCase(async ({ context, artifactPath }) => {
    const watch = new FakeWatch();
    const log = new EventLog();
    const dispatcher = manual(watch, log, {
      pollIntervalMs: 5,
      maxStaleRejects: 1_000_000,
      ids: new DispatchIds({ first: 8 }),
    });
    const pending = await dispatcher.post(context);
    await respond(artifactPath, 7, { stale: true });
    watch.emit({ kind: "error", error: new Error("gone") });
    await log.waitFor("watch-fallback");
    const seen = log.events.length;
    assert.equal(watch.open, 0);
    // The check right after the watch error is triggered by it; a later one
    // by the poll proves the dispatch now polls.
    await log.waitFor(
      "stale",
      (e) => e.trigger === "poll" && log.events.indexOf(e) >= seen,
    );
    await respond(artifactPath, 8);
    assert.deepEqual(await pending.result, DATA);
    assert.equal((await log.waitFor("accepted")).trigger, "poll");
  });
});

Deno.test("a rescan event makes the dispatch check at once", async () => {
  await withCase(async ({ context, artifactPath }) => {
    const watch = new FakeWatch();
    const dispatcher = manual(watch, new EventLog());
    const pending = await dispatcher.post(context);
    await respond(artifactPath, pending.dispatchId);
    watch.emit({ kind: "rescan" });
    assert.deepEqual(await pending.result, DATA);
  });
});

Deno.test("a watch that cannot start falls back to polling", async () => {
  await withCase(async ({ context, artifactPath }) => {
    const log = new EventLog();
    const failure = new Error("too many inotify instances");
    const dispatcher = new FileDispatcher({
      pollIntervalMs: 5,
      onEvent: log.onEvent,
      watch: () => {
        throw failure;
      },
    });
    const pending = await dispatcher.post(context);
    assert.equal(log.of("watch-fallback")[0]?.error, failure);
    await respond(artifactPath, pending.dispatchId);
    assert.deepEqual(await pending.result, DATA);
  });
});

// --- concurrency and lifecycle --------------------------------------------------

Deno.test("50 concurrent dispatches sharing DispatchIds get unique ids and their own data", async () => {
  const root = await Deno.makeTempDir({ prefix: "asterisk-file-dispatch-" });
  try {
    const ids = new DispatchIds();
    const dispatchers = [0, 1].map(() =>
      new FileDispatcher({ mode: "poll", pollIntervalMs: 5, ids })
    );
    const cases = Array.from(
      { length: 50 },
      (_, i) => makeCase(join(root, `${i}`), { caseId: `C${i}` }),
    );
    const pendings = await Promise.all(
      cases.map((kase, i) => dispatchers[i % 2].post(kase.context)),
    );
    const posted = pendings.map((p) => p.dispatchId);
    assert.equal(new Set(posted).size, 50);
    // The agent answers every signal with the id it finds there.
    await Promise.all(cases.map(async (kase, i) => {
      const signal = await signalOf(kase.signalPath);
      assert.equal(signal.case_id, `C${i}`);
      await respond(signal.artifact_path, signal.dispatch_id, { i });
    }));
    const results = await Promise.all(pendings.map((p) => p.result));
    assert.deepEqual(results, cases.map((_, i) => ({ i })));
    for (const [i, kase] of cases.entries()) {
      const signal = await signalOf(kase.signalPath);
      assert.equal(signal.status, "done");
      assert.equal(signal.dispatch_id, posted[i]);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a second dispatch for the same signal file is refused while one is in flight", async () => {
  await withCase(async ({ context, dir, artifactPath }) => {
    const watch = new FakeWatch();
    const dispatcher = manual(watch, new EventLog(), {
      ids: new DispatchIds({ first: 1 }),
    });
    const first = await dispatcher.post(context);
    await assert.rejects(
      dispatcher.post({
        ...context,
        step: "F1_TRIAGE",
        artifactPath: join(dir, "triage-result.json"),
      }),
      {
        message: `Cannot post dispatch for C1 F1_TRIAGE: signal '${
          join(dir, SIGNAL_FILE)
        }' is in use by dispatch 1`,
      },
    );
    await respond(artifactPath, 1);
    watch.emit();
    await first.result;
    // Once the first is over, the next step may use the directory.
    const second = await dispatcher.post({
      ...context,
      step: "F1_TRIAGE",
      artifactPath: join(dir, "triage-result.json"),
    });
    assert.equal(second.dispatchId, 2, "the refused post took no id");
    await respond(join(dir, "triage-result.json"), 2);
    watch.emit();
    await second.result;
  });
});

Deno.test("a result that rejects before it is awaited is not an unhandled rejection", async () => {
  await withCase(async ({ context }) => {
    const log = new EventLog();
    const time = new FakeTime();
    const dispatcher = new FileDispatcher({
      mode: "poll",
      pollIntervalMs: 5,
      timeoutMs: 10,
      onEvent: log.onEvent,
      clock: time,
    });
    const pending = await dispatcher.post(context);
    await waitFor(() => time.pendingTimers > 0, "the dispatch sleeps");
    time.tick(10);
    await log.waitFor("error");
    // Real event-loop turns, not fake time: the runtime reports a rejection
    // nobody handles at the end of the turn it happened in.
    await time.runMicrotasks();
    await time.runMicrotasks();
    await assertDispatchError(pending.result, "timeout");
  });
});

Deno.test("an onEvent listener that throws does not break the dispatch", async () => {
  await withCase(async ({ context, artifactPath }) => {
    const watch = new FakeWatch();
    const dispatcher = new FileDispatcher({
      pollIntervalMs: 60_000,
      timeoutMs: 20_000,
      watch: watch.factory,
      onEvent: () => {
        throw new Error("listener bug");
      },
    });
    const pending = await dispatcher.post(context);
    await respond(artifactPath, pending.dispatchId);
    watch.emit();
    assert.deepEqual(await pending.result, DATA);
  });
});

Deno.test("post fails with 'io' when the old artifact cannot be removed", async () => {
  await withCase(async ({ context, artifactPath, signalPath }) => {
    await Deno.mkdir(join(artifactPath, "child"), { recursive: true });
    const watch = new FakeWatch();
    const dispatcher = manual(watch, new EventLog());
    await assertDispatchError(
      dispatcher.post(context),
      "io",
      new RegExp(
        `^Cannot remove old artifact '${artifactPath}' for C1 F0_RECALL`,
      ),
    );
    await assert.rejects(Deno.stat(signalPath), Deno.errors.NotFound);
    assert.equal(watch.handles.length, 0);
  });
});

// --- options --------------------------------------------------------------------

Deno.test("FileDispatcher validates its options", () => {
  const cases: [FileDispatcherOptions, string][] = [
    [{ pollIntervalMs: 0 }, "'pollIntervalMs' = 0: expected a positive number"],
    [
      { pollIntervalMs: Infinity },
      "'pollIntervalMs' = Infinity: expected a finite number",
    ],
    [{ timeoutMs: -1 }, "'timeoutMs' = -1: expected a positive number"],
    [
      { timeoutMs: Number.NaN },
      "'timeoutMs' = NaN: expected a positive number",
    ],
    [
      { maxStaleRejects: 0 },
      "'maxStaleRejects' = 0: expected a positive integer",
    ],
    [
      { maxStaleRejects: 2.5 },
      "'maxStaleRejects' = 2.5: expected a positive integer",
    ],
    [
      { settleMs: -5 },
      "'settleMs' = -5: expected a non-negative finite number",
    ],
    [
      { mode: "inotify" as "watch" },
      `'mode' = "inotify": expected "watch" or "poll"`,
    ],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => new FileDispatcher(options), {
      name: "RangeError",
      message: `Cannot create file dispatcher with ${message}`,
    });
  }
  new FileDispatcher({ timeoutMs: Infinity, settleMs: 0 });
});
