/**
 * A minimal agent for benchmarks, run as a Worker: watches a directory
 * recursively, answers every waiting signal with `{dispatch_id, data}`
 * written atomically, and reports when each answer's rename happened.
 *
 * Messages in: `{ root, delayMs }`. Messages out: `{ type: "ready" }` and
 * `{ type: "renamed", dispatchId, at }` where `at` is epoch milliseconds with
 * sub-millisecond precision.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { basename } from "node:path";
import { readSignal } from "../../src/transport/signal.ts";
import { atomicWriteJson } from "../../src/util/atomic_write.ts";

const handled = new Set<string>();

async function answer(path: string, delayMs: number): Promise<void> {
  const signal = await readSignal(path);
  if (signal?.status !== "waiting") return;
  const key = `${path}:${signal.dispatch_id}`;
  if (handled.has(key)) return;
  handled.add(key);
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  await atomicWriteJson(signal.artifact_path, {
    dispatch_id: signal.dispatch_id,
    data: { decision: "approve" },
  });
  self.postMessage({
    type: "renamed",
    dispatchId: signal.dispatch_id,
    at: performance.timeOrigin + performance.now(),
  });
}

self.onmessage = (event: MessageEvent<{ root: string; delayMs: number }>) => {
  const { root, delayMs } = event.data;
  const watcher = Deno.watchFs(root, { recursive: true });
  self.postMessage({ type: "ready" });
  (async () => {
    for await (const change of watcher) {
      for (const path of change.paths) {
        if (basename(path) === "signal.json") void answer(path, delayMs);
      }
    }
  })();
};
