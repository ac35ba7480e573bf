import assert from "node:assert/strict";
import { join } from "node:path";
import { denoWatchFactory, type WatchEvent } from "./artifact_watcher.ts";
import { withDeadline } from "../../tests/support/wait_for.ts";

Deno.test("denoWatchFactory reports a file written in the directory as a change", async () => {
  const dir = await Deno.makeTempDir();
  const handle = denoWatchFactory(dir);
  try {
    const path = join(dir, "artifact.json");
    const iterator = handle[Symbol.asyncIterator]();
    const first = iterator.next();
    await Deno.writeTextFile(path, "{}");
    const seen: WatchEvent[] = [];
    const what = "the watch reports the write";
    let result = await withDeadline(first, what);
    while (!result.done) {
      seen.push(result.value);
      const event = result.value;
      if (event.kind === "change" && event.paths.includes(path)) break;
      result = await withDeadline(iterator.next(), what);
    }
    assert.ok(
      seen.some((e) => e.kind === "change" && e.paths.includes(path)),
      JSON.stringify(seen),
    );
    handle.close();
    assert.deepEqual(await iterator.next(), { done: true, value: undefined });
  } finally {
    handle.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("denoWatchFactory ends the iteration when closed, without an error event", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const handle = denoWatchFactory(dir);
    const seen: WatchEvent[] = [];
    const consumer = (async () => {
      for await (const event of handle) seen.push(event);
    })();
    handle.close();
    handle.close();
    await consumer;
    assert.deepEqual(seen.filter((e) => e.kind === "error"), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("denoWatchFactory throws for a missing directory", () => {
  assert.throws(() => denoWatchFactory("/nonexistent/asterisk/watch"));
});
