import assert from "node:assert/strict";
import type { WatchEvent, WatchHandle } from "../transport/artifact_watcher.ts";
import { WakePipe } from "./wake_pipe.ts";
import { withDeadline } from "../../tests/support/wait_for.ts";

async function nextEvent(handle: WatchHandle): Promise<WatchEvent> {
  const next = await withDeadline(
    handle[Symbol.asyncIterator]().next(),
    "the next wake-pipe event",
  );
  assert.equal(next.done, false);
  return next.value;
}

Deno.test("WakePipe sends each waiting signal's path as a line, and none holding a line break", () => {
  const sent: string[] = [];
  const pipe = new WakePipe((text) => sent.push(text));
  pipe.signalWritten("/run/1/2/signal.json");
  pipe.signalWritten("/run/1/3\n/signal.json");
  assert.deepEqual(sent, ["/run/1/2/signal.json\n"]);
});

Deno.test("WakePipe wakes the watches of the directory a received path is in, and only those", async () => {
  const pipe = new WakePipe(() => {});
  const first = pipe.watch("/run/1/2");
  const other = pipe.watch("/run/1/3");
  pipe.received("/run/1/2/recall-result.json");
  pipe.received("not a path");
  pipe.received("/run/1/9/triage-result.json");
  assert.deepEqual(await nextEvent(first), {
    kind: "change",
    paths: ["/run/1/2/recall-result.json"],
  });
  // Lines that came while nobody iterated come as one event.
  pipe.received("/run/1/3/signal.json");
  pipe.received("/run/1/3/artifact.json");
  assert.deepEqual(await nextEvent(other), {
    kind: "change",
    paths: ["/run/1/3/signal.json", "/run/1/3/artifact.json"],
  });
  first.close();
  other.close();
  // A closed watch ends its iteration and gets nothing more.
  pipe.received("/run/1/2/recall-result.json");
  const done = await first[Symbol.asyncIterator]().next();
  assert.equal(done.done, true);
});

Deno.test("WakePipe's close ends an iteration waiting for the next line", async () => {
  const pipe = new WakePipe(() => {});
  const watch = pipe.watch("/run/1/2");
  const next = watch[Symbol.asyncIterator]().next();
  watch.close();
  assert.equal((await withDeadline(next, "the end of the watch")).done, true);
});
