/**
 * Benchmark: artifact-detection latency of the FileDispatcher — from the
 * moment the agent's rename lands to the moment `dispatch()` resolves — and
 * dispatch round trips per second, in watch mode and in poll-only mode.
 *
 * @module
 */
import { join } from "node:path";
import { FileDispatcher } from "../../src/transport/file_dispatcher.ts";
import { ARTIFACT_JSON_SCHEMAS } from "../../src/pipeline/artifact_json_schemas.ts";
import { percentile } from "./stats.ts";

/** Figures of one mode. */
export interface LatencyResult {
  readonly mode: "watch" | "poll";
  readonly dispatches: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly roundTripsPerSecond: number;
}

/** Runs `dispatches` sequential dispatches against a worker agent. */
export async function measureDispatchLatency(
  options: {
    readonly mode: "watch" | "poll";
    readonly dispatches: number;
    readonly pollIntervalMs: number;
  },
): Promise<LatencyResult> {
  const root = await Deno.makeTempDir({ prefix: "asterisk-bench-" });
  // Case directories exist before the agent starts watching, as in a run.
  for (let i = 0; i < 8; i++) await Deno.mkdir(join(root, String(i)));
  const worker = new Worker(
    new URL("./bench_agent_worker.ts", import.meta.url),
    { type: "module" },
  );
  const renamedAt = new Map<number, number>();
  const waiters = new Map<number, () => void>();
  const ready = Promise.withResolvers<void>();
  worker.onmessage = (event) => {
    const message = event.data;
    if (message.type === "ready") ready.resolve();
    if (message.type === "renamed") {
      renamedAt.set(message.dispatchId, message.at);
      waiters.get(message.dispatchId)?.();
    }
  };
  worker.postMessage({ root, delayMs: 0 });
  await ready.promise;
  const dispatcher = new FileDispatcher({
    mode: options.mode,
    pollIntervalMs: options.pollIntervalMs,
    timeoutMs: 30_000,
  });
  const resolvedAt = new Map<number, number>();
  const started = performance.now();
  try {
    for (let i = 0; i < options.dispatches; i++) {
      const dir = join(root, String(i % 8));
      const pending = await dispatcher.post({
        caseId: `C${i % 8}`,
        step: "F5_REVIEW",
        prompt: "Review prompt",
        schema: ARTIFACT_JSON_SCHEMAS.F5_REVIEW,
        promptPath: join(dir, "prompt-review.md"),
        artifactPath: join(dir, "review-decision.json"),
      });
      await pending.result;
      resolvedAt.set(
        pending.dispatchId,
        performance.timeOrigin + performance.now(),
      );
    }
    const elapsed = performance.now() - started;
    const latencies: number[] = [];
    for (const [id, resolved] of resolvedAt) {
      if (!renamedAt.has(id)) {
        await new Promise<void>((done) => waiters.set(id, done));
      }
      latencies.push(resolved - renamedAt.get(id)!);
    }
    return {
      mode: options.mode,
      dispatches: options.dispatches,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: Math.max(...latencies),
      roundTripsPerSecond: options.dispatches / (elapsed / 1000),
    };
  } finally {
    worker.terminate();
    await Deno.remove(root, { recursive: true });
  }
}
