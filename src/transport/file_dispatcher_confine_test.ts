/**
 * The file dispatcher reads and writes nothing outside its confining
 * directory, symlinks included.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { FileDispatcher } from "./file_dispatcher.ts";
import { DispatchError } from "./dispatch_error.ts";
import { SIGNAL_FILE } from "./signal.ts";
import { caseContext } from "./_batch_test_utils.ts";
import { FakeTime } from "../util/fake_time.ts";
import { withTempDir } from "../../tests/support/temp_dir.ts";
import { waitFor } from "../../tests/support/wait_for.ts";

async function setUp(dir: string) {
  const runDir = join(dir, "run");
  const outside = join(dir, "outside");
  await Deno.mkdir(join(runDir, "cases"), { recursive: true });
  await Deno.mkdir(outside);
  const time = new FakeTime();
  const dispatcher = new FileDispatcher({
    confineTo: runDir,
    mode: "poll",
    pollIntervalMs: 1_000,
    timeoutMs: 600_000,
    clock: time,
  });
  return { runDir, outside, dispatcher, time };
}

Deno.test("a symlinked artifact pointing outside the run fails the dispatch unread", async () => {
  await withTempDir(async (dir) => {
    const { runDir, outside, dispatcher, time } = await setUp(dir);
    const secret = join(outside, "secret.json");
    await Deno.writeTextFile(secret, '{"dispatch_id": 1, "data": {"x": 1}}');
    const context = caseContext(
      runDir,
      "C1",
      "F0_RECALL",
      "recall-result.json",
    );
    const pending = await dispatcher.post(context);
    // The first check found nothing once the poll timer is armed.
    await waitFor(() => time.pendingTimers > 0, "the dispatch sleeps");
    await Deno.symlink(secret, context.artifactPath);
    time.tick(1_000);
    const error = await pending.result.then(
      () => assert.fail("accepted a symlinked artifact"),
      (e) => e,
    );
    assert.ok(error instanceof DispatchError, String(error));
    assert.equal(error.reason, "invalid-artifact");
    assert.match(error.message, /Refusing path/);
  });
});

Deno.test("a case directory symlinked outside the run gets no signal written", async () => {
  await withTempDir(async (dir) => {
    const { runDir, outside, dispatcher } = await setUp(dir);
    await Deno.symlink(outside, join(runDir, "cases", "C2"));
    await assert.rejects(
      dispatcher.post(caseContext(runDir, "C2")).then((p) => p.result),
      (error: unknown) =>
        error instanceof DispatchError && error.reason === "invalid-artifact" &&
        /a symlink leads it to/.test(error.message),
    );
    assert.deepEqual([...Deno.readDirSync(outside)], []);
    await assert.rejects(Deno.stat(join(outside, SIGNAL_FILE)));
  });
});

Deno.test("a case directory swapped for a symlink mid-dispatch gets no final signal written", async () => {
  await withTempDir(async (dir) => {
    const { runDir, outside, dispatcher, time } = await setUp(dir);
    const context = caseContext(runDir, "C3");
    const pending = await dispatcher.post(context);
    await waitFor(() => time.pendingTimers > 0, "the dispatch sleeps");
    const caseDir = join(runDir, "cases", "C3");
    await Deno.remove(caseDir, { recursive: true });
    await Deno.symlink(outside, caseDir);
    time.tick(1_000);
    await assert.rejects(
      pending.result,
      (error: unknown) =>
        error instanceof DispatchError && error.reason === "invalid-artifact",
    );
    assert.deepEqual([...Deno.readDirSync(outside)], []);
  });
});

Deno.test("an old signal.json that is a symlink fails the post; its target is left alone", async () => {
  await withTempDir(async (dir) => {
    const { runDir, outside, dispatcher } = await setUp(dir);
    const target = join(outside, "signal.json");
    await Deno.writeTextFile(target, "outside");
    const caseDir = join(runDir, "cases", "C4");
    await Deno.mkdir(caseDir);
    await Deno.symlink(target, join(caseDir, SIGNAL_FILE));
    await assert.rejects(
      dispatcher.post(caseContext(runDir, "C4")),
      (error: unknown) =>
        error instanceof DispatchError && error.reason === "invalid-artifact" &&
        /Refusing path '.*signal\.json': a symlink leads it to/.test(
          error.message,
        ),
    );
    assert.equal(await Deno.readTextFile(target), "outside");
    assert.ok((await Deno.lstat(join(caseDir, SIGNAL_FILE))).isSymlink);
  });
});

/**
 * Posts a dispatch of `caseId`, swaps its `signal.json` for a symlink to a
 * file outside the run holding `outsideText(dispatchId)`, answers it, and
 * returns how the dispatch failed and the outside file.
 */
async function dispatchThroughSymlinkedSignal(
  dir: string,
  caseId: string,
  outsideText: (dispatchId: number) => string,
): Promise<{ error: unknown; target: string }> {
  const { runDir, outside, dispatcher, time } = await setUp(dir);
  const context = caseContext(runDir, caseId);
  const pending = await dispatcher.post(context);
  await waitFor(() => time.pendingTimers > 0, "the dispatch sleeps");
  const target = join(outside, "signal.json");
  await Deno.writeTextFile(target, outsideText(pending.dispatchId));
  const signalPath = join(runDir, "cases", caseId, SIGNAL_FILE);
  await Deno.remove(signalPath);
  await Deno.symlink(target, signalPath);
  await Deno.writeTextFile(
    context.artifactPath,
    JSON.stringify({
      dispatch_id: pending.dispatchId,
      data: { symptom_category: "product" },
    }),
  );
  time.tick(1_000);
  const error = await pending.result.then(
    () => assert.fail("the dispatch through a symlinked signal succeeded"),
    (e) => e,
  );
  return { error, target };
}

/** Whether `error` refuses the dispatch's `signal.json`. */
function refusesSignal(error: unknown): boolean {
  return error instanceof DispatchError &&
    error.reason === "invalid-artifact" &&
    /Refusing path '.*signal\.json'/.test(error.message);
}

Deno.test("a signal.json swapped for a symlink mid-dispatch fails the dispatch; its target is left alone", async () => {
  await withTempDir(async (dir) => {
    const { error, target } = await dispatchThroughSymlinkedSignal(
      dir,
      "C5",
      () => "outside",
    );
    assert.ok(refusesSignal(error), String(error));
    assert.equal(await Deno.readTextFile(target), "outside");
  });
});

Deno.test("an error signal outside the run, behind a symlinked signal.json, is never read", async () => {
  await withTempDir(async (dir) => {
    const { error } = await dispatchThroughSymlinkedSignal(
      dir,
      "C6",
      (dispatchId) =>
        JSON.stringify({
          status: "error",
          dispatch_id: dispatchId,
          error: "text from outside the run",
        }),
    );
    assert.ok(refusesSignal(error), String(error));
    assert.ok(!String(error).includes("text from outside the run"));
  });
});
