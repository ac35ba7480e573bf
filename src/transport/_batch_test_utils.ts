/**
 * Test support for the batch file transport: temporary suites, case
 * contexts, an event log, and the pieces of a test agent.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { BatchFileDispatchEvent } from "./batch_file_dispatcher.ts";
import type { DispatchContext } from "./dispatcher.ts";
import { readSignal, type Signal, writeSignal } from "./signal.ts";
import { ARTIFACT_JSON_SCHEMAS } from "../pipeline/artifact_json_schemas.ts";
import type { PipelineStep } from "../pipeline/step.ts";
import { atomicWriteJson } from "../util/atomic_write.ts";
import { waitFor, withDeadline } from "../../tests/support/wait_for.ts";

/** Runs `fn` with a fresh temporary directory, removed afterwards. */
export async function withRoot(
  fn: (root: string) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "asterisk-batch-" });
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** A context for case `caseId` in its own directory `{root}/cases/{caseId}`. */
export function caseContext(
  root: string,
  caseId: string,
  step: PipelineStep = "F1_TRIAGE",
  artifact = "triage-result.json",
): DispatchContext {
  const dir = join(root, "cases", caseId);
  return {
    caseId,
    step,
    prompt: `Prompt of ${caseId} ${step}`,
    schema: ARTIFACT_JSON_SCHEMAS[step],
    promptPath: join(dir, "prompt-triage.md"),
    artifactPath: join(dir, artifact),
  };
}

type EventOf<K extends BatchFileDispatchEvent["kind"]> = Extract<
  BatchFileDispatchEvent,
  { kind: K }
>;

/** Records dispatcher events and lets a test wait for one. */
export class BatchEventLog {
  readonly events: BatchFileDispatchEvent[] = [];
  #waiters: {
    match: (event: BatchFileDispatchEvent) => boolean;
    resolve: (event: BatchFileDispatchEvent) => void;
  }[] = [];

  readonly onEvent = (event: BatchFileDispatchEvent): void => {
    this.events.push(event);
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!waiter.match(event)) return true;
      waiter.resolve(event);
      return false;
    });
  };

  /** Resolves with the first event (past or future) of `kind` matching `match`. */
  waitFor<K extends BatchFileDispatchEvent["kind"]>(
    kind: K,
    match: (event: EventOf<K>) => boolean = () => true,
  ): Promise<EventOf<K>> {
    const test = (event: BatchFileDispatchEvent) =>
      event.kind === kind && match(event as EventOf<K>);
    const past = this.events.find(test);
    if (past) return Promise.resolve(past as EventOf<K>);
    return withDeadline(
      new Promise((resolve) =>
        this.#waiters.push({
          match: test,
          resolve: (event) => resolve(event as EventOf<K>),
        })
      ),
      `a '${kind}' event`,
    );
  }

  /** Every event of `kind` so far. */
  of<K extends BatchFileDispatchEvent["kind"]>(kind: K): EventOf<K>[] {
    return this.events.filter((event) => event.kind === kind) as EventOf<K>[];
  }
}

/**
 * Background work of a test agent: every task is awaited before the test
 * ends (so no operation leaks), and a task's failure fails the test.
 */
export class AgentTasks {
  readonly #running = new Set<Promise<void>>();
  readonly errors: unknown[] = [];

  /** Starts `task` in the background. */
  run(task: () => Promise<void>): void {
    const promise = task().catch((error) => {
      this.errors.push(error);
    }).finally(() => this.#running.delete(promise));
    this.#running.add(promise);
  }

  /** Waits for every task and fails when one of them failed. */
  async settle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
    assert.deepEqual(this.errors, [], "the test agent failed");
  }
}

/** Reads the signal at `path`, failing when it is missing or invalid. */
export async function signalAt(path: string): Promise<Signal> {
  const signal = await readSignal(path);
  assert.ok(signal, `no valid signal at '${path}'`);
  return signal;
}

/** Answers the signal at `signalPath` with `data`, as a well-behaved agent. */
export async function answer(
  signalPath: string,
  data: unknown,
): Promise<Signal> {
  const signal = await signalAt(signalPath);
  await atomicWriteJson(signal.artifact_path, {
    dispatch_id: signal.dispatch_id,
    data,
  });
  return signal;
}

/** Reports through the signal that the agent cannot answer it. */
export async function refuse(
  signalPath: string,
  error: string,
): Promise<Signal> {
  const signal = await signalAt(signalPath);
  await writeSignal(signalPath, { ...signal, status: "error", error });
  return signal;
}

/**
 * A test agent's think time: lets `turns` turns of the event loop pass (the
 * dispatcher's I/O callbacks run meanwhile), so answers come in varied
 * orders without waiting on the wall clock.
 */
export async function think(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) {
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
}

/**
 * Polls `condition` until it holds, as an agent watching the manifest would.
 * Fails after `limitMs` so a broken dispatcher fails the test instead of
 * hanging it; the limit is far above any expected wait.
 */
export async function until(
  condition: () => Promise<boolean>,
  what: string,
  limitMs = 10_000,
): Promise<void> {
  await waitFor(condition, what, { deadlineMs: limitMs, intervalMs: 5 });
}
