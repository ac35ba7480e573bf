import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type BatchManifest,
  type BatchSignalStatus,
  batchStatusOf,
  MANIFEST_FILE,
  readManifest,
  writeManifest,
} from "./batch_manifest.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "asterisk-manifest-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function manifest(dir: string): BatchManifest {
  return {
    batch_id: 1,
    status: "in_progress",
    phase: "triage",
    created_at: "2026-02-17T10:00:00Z",
    updated_at: "2026-02-17T10:00:01Z",
    total: 2,
    completed: 1,
    briefing_path: join(dir, "briefing.md"),
    signals: [
      {
        case_id: "C1",
        step: "F1_TRIAGE",
        signal_path: join(dir, "1", "signal.json"),
        artifact_path: join(dir, "1", "triage-result.json"),
        dispatch_id: 11,
        status: "done",
        claimed_by: "subagent-1",
      },
      {
        case_id: "C2",
        step: "F1_TRIAGE",
        signal_path: join(dir, "2", "signal.json"),
        artifact_path: join(dir, "2", "triage-result.json"),
        dispatch_id: 0,
        status: "pending",
      },
    ],
  };
}

function statuses(...list: BatchSignalStatus[]) {
  return list.map((status) => ({ status }));
}

Deno.test("batchStatusOf follows the batch lifecycle", () => {
  assert.equal(batchStatusOf(statuses("pending", "pending")), "pending");
  assert.equal(batchStatusOf(statuses("claimed", "pending")), "in_progress");
  assert.equal(batchStatusOf(statuses("error", "pending")), "in_progress");
  assert.equal(batchStatusOf(statuses("done", "claimed")), "in_progress");
  assert.equal(batchStatusOf(statuses("done", "error")), "done");
  assert.equal(batchStatusOf(statuses("done", "done")), "done");
  assert.equal(batchStatusOf(statuses("error", "error")), "error");
  assert.equal(batchStatusOf([]), "pending");
});

Deno.test("writeManifest writes pretty JSON in key order that readManifest reads back", async () => {
  await withDir(async (dir) => {
    const path = join(dir, MANIFEST_FILE);
    const value = manifest(dir);
    // Keys in reverse order on input.
    const reversed = <T extends object>(object: T): T =>
      Object.fromEntries(Object.entries(object).reverse()) as T;
    await writeManifest(path, {
      ...reversed(value),
      signals: value.signals.map(reversed),
    });
    const text = await Deno.readTextFile(path);
    assert.deepEqual(Object.keys(JSON.parse(text)), [
      "batch_id",
      "status",
      "phase",
      "created_at",
      "updated_at",
      "total",
      "completed",
      "briefing_path",
      "signals",
    ]);
    assert.deepEqual(Object.keys(JSON.parse(text).signals[0]), [
      "case_id",
      "step",
      "signal_path",
      "artifact_path",
      "dispatch_id",
      "status",
      "claimed_by",
    ]);
    assert.ok(text.startsWith('{\n  "batch_id": 1,\n'));
    assert.ok(text.endsWith("}\n"));
    assert.deepEqual(await readManifest(path), value);
  });
});

Deno.test("writeManifest rejects an invalid manifest naming the field", async () => {
  await withDir(async (dir) => {
    const path = join(dir, MANIFEST_FILE);
    await assert.rejects(
      writeManifest(path, { ...manifest(dir), total: 3 }),
      {
        name: "TypeError",
        message:
          `Cannot write batch manifest '${path}': field 'total' must equal the number of signals (2)`,
      },
    );
    const bad = manifest(dir);
    bad.signals[1].signal_path = "relative/signal.json";
    await assert.rejects(
      writeManifest(path, bad),
      /field 'signals\[1\]\.signal_path' must be an absolute path/,
    );
    await assert.rejects(
      writeManifest(path, { ...manifest(dir), briefing_path: "briefing.md" }),
      /field 'briefing_path'/,
    );
    await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
  });
});

Deno.test("an empty briefing_path is allowed", async () => {
  await withDir(async (dir) => {
    const path = join(dir, MANIFEST_FILE);
    await writeManifest(path, { ...manifest(dir), briefing_path: "" });
    assert.equal((await readManifest(path))?.briefing_path, "");
  });
});

Deno.test("readManifest returns undefined for a missing, malformed or invalid file", async () => {
  await withDir(async (dir) => {
    const path = join(dir, MANIFEST_FILE);
    assert.equal(await readManifest(path), undefined);
    await Deno.writeTextFile(path, "{");
    assert.equal(await readManifest(path), undefined);
    await Deno.writeTextFile(path, JSON.stringify({ batch_id: 1 }));
    assert.equal(await readManifest(path), undefined);
  });
});
