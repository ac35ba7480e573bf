import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type BatchManifest,
  MANIFEST_FILE,
  readManifest,
} from "./batch_manifest.ts";
import { ManifestWriter } from "./manifest_writer.ts";
import type { Clock } from "../util/clock.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "asterisk-manifest-writer-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

class FakeClock implements Clock {
  #ms = Date.parse("2026-02-17T10:00:00Z");
  now(): Date {
    return new Date(this.#ms);
  }
  advance(ms: number): void {
    this.#ms += ms;
  }
}

function initial(dir: string, slots = 3): BatchManifest {
  return {
    batch_id: 4,
    status: "pending",
    phase: "investigation",
    created_at: "2026-02-17T10:00:00Z",
    updated_at: "2026-02-17T10:00:00Z",
    total: slots,
    completed: 0,
    briefing_path: "",
    signals: Array.from({ length: slots }, (_, i) => ({
      case_id: `C${i + 1}`,
      step: "F3_INVESTIGATE",
      signal_path: join(dir, `${i}`, "signal.json"),
      artifact_path: join(dir, `${i}`, "artifact.json"),
      dispatch_id: 0,
      status: "pending" as const,
    })),
  };
}

Deno.test("nothing is written before the first write; write puts the state on disk", async () => {
  await withDir(async (dir) => {
    const path = join(dir, MANIFEST_FILE);
    const writer = new ManifestWriter(path, initial(dir));
    assert.equal(writer.path, path);
    await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
    await writer.write();
    assert.deepEqual(await readManifest(path), initial(dir));
  });
});

Deno.test("updates apply in order and derive total, completed, status and updated_at", async () => {
  await withDir(async (dir) => {
    const path = join(dir, MANIFEST_FILE);
    const clock = new FakeClock();
    const writer = new ManifestWriter(path, initial(dir), { clock });
    await writer.write();

    clock.advance(5_000);
    await writer.update((m) => {
      m.signals[0].dispatch_id = 17;
      m.signals[0].status = "claimed";
      m.signals[0].claimed_by = "subagent-1";
    });
    let disk = await readManifest(path);
    assert.equal(disk?.status, "in_progress");
    assert.equal(disk?.completed, 0);
    assert.equal(disk?.updated_at, "2026-02-17T10:00:05Z");
    assert.equal(disk?.created_at, "2026-02-17T10:00:00Z");
    assert.equal(disk?.signals[0].claimed_by, "subagent-1");

    await writer.update((m) => {
      m.signals[0].status = "done";
      m.signals[1].status = "error";
      m.signals[1].error = "timed out";
    });
    disk = await readManifest(path);
    assert.equal(disk?.status, "in_progress");
    assert.equal(disk?.completed, 2);

    await writer.update((m) => {
      m.signals[2].status = "error";
      m.signals[2].error = "responder error";
    });
    disk = await readManifest(path);
    assert.equal(disk?.status, "done", "one done slot makes the batch done");
    assert.equal(disk?.completed, 3);
    assert.equal(disk?.total, 3);
    assert.deepEqual(disk, writer.manifest);
  });
});

Deno.test("all slots failed makes the batch error", async () => {
  await withDir(async (dir) => {
    const path = join(dir, MANIFEST_FILE);
    const writer = new ManifestWriter(path, initial(dir, 2));
    writer.update((m) => {
      for (const signal of m.signals) {
        signal.status = "error";
        signal.error = "no";
      }
    });
    await writer.flush();
    assert.equal((await readManifest(path))?.status, "error");
  });
});

Deno.test("many rapid updates: none is lost and the file never goes back", async () => {
  await withDir(async (dir) => {
    const path = join(dir, MANIFEST_FILE);
    const written: number[] = [];
    const writer = new ManifestWriter(path, initial(dir), {
      onWrite: (m) => written.push(m.signals[0].dispatch_id),
    });
    const updates: Promise<void>[] = [];
    for (let i = 1; i <= 500; i++) {
      updates.push(writer.update((m) => {
        m.signals[0].dispatch_id = i;
        m.signals[i % 3].claimed_by = `agent-${i}`;
      }));
      // Let some writes start in between.
      if (i % 50 === 0) await updates.at(-1);
    }
    await writer.flush();
    await Promise.all(updates);
    const disk = await readManifest(path);
    assert.equal(disk?.signals[0].dispatch_id, 500);
    assert.deepEqual(disk?.signals.map((s) => s.claimed_by), [
      "agent-498",
      "agent-499",
      "agent-500",
    ]);
    assert.equal(written.at(-1), 500);
    for (let i = 1; i < written.length; i++) {
      assert.ok(written[i] > written[i - 1], `write ${i} went back`);
    }
    assert.ok(written.length < 500, "queued updates share a write");
    // No temporary file is left behind.
    const names = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    assert.deepEqual(names, [MANIFEST_FILE]);
  });
});

Deno.test("an update resolves only once a write containing it is on disk", async () => {
  await withDir(async (dir) => {
    const path = join(dir, MANIFEST_FILE);
    const writer = new ManifestWriter(path, initial(dir));
    for (let i = 0; i < 3; i++) {
      await writer.update((m) => {
        m.signals[i].status = "done";
      });
      assert.equal((await readManifest(path))?.completed, i + 1);
    }
  });
});

Deno.test("a failed write is reported, rejects its updates, and flush writes again", async () => {
  await withDir(async (dir) => {
    const missing = join(dir, "later");
    const path = join(missing, MANIFEST_FILE);
    const errors: unknown[] = [];
    const writer = new ManifestWriter(path, initial(dir), {
      onError: (error) => errors.push(error),
    });
    await assert.rejects(
      writer.update((m) => {
        m.signals[0].status = "claimed";
      }),
      Deno.errors.NotFound,
    );
    assert.equal(errors.length, 1);
    // An ignored rejection is not reported as unhandled.
    writer.update((m) => {
      m.signals[1].status = "claimed";
    });
    await assert.rejects(writer.flush(), Deno.errors.NotFound);
    await Deno.mkdir(missing);
    await writer.flush();
    const disk = await readManifest(path);
    assert.deepEqual(disk?.signals.map((s) => s.status), [
      "claimed",
      "claimed",
      "pending",
    ]);
  });
});

Deno.test("an update producing an invalid manifest throws and leaves the state", async () => {
  await withDir(async (dir) => {
    const path = join(dir, MANIFEST_FILE);
    const writer = new ManifestWriter(path, initial(dir));
    assert.throws(
      () =>
        writer.update((m) => {
          m.signals[0].artifact_path = "relative.json";
          m.signals[1].status = "done";
        }),
      {
        name: "TypeError",
        message:
          `Cannot write batch manifest '${path}': field 'signals[0].artifact_path' must be an absolute path`,
      },
    );
    assert.deepEqual(writer.manifest, initial(dir));
    await writer.flush();
    assert.deepEqual(await readManifest(path), initial(dir));
    assert.throws(
      () => new ManifestWriter(path, { ...initial(dir), batch_id: 0 }),
      /field 'batch_id' must be a positive integer/,
    );
  });
});

Deno.test("listeners that throw do not break the writer", async () => {
  await withDir(async (dir) => {
    const path = join(dir, MANIFEST_FILE);
    const writer = new ManifestWriter(path, initial(dir), {
      onWrite: () => {
        throw new Error("listener");
      },
    });
    await writer.update((m) => {
      m.signals[0].status = "done";
    });
    assert.equal((await readManifest(path))?.completed, 1);
  });
});

Deno.test("the updates of one turn of the event loop reach disk in one write", async () => {
  await withDir(async (dir) => {
    const path = join(dir, MANIFEST_FILE);
    const writes: BatchManifest[] = [];
    const writer = new ManifestWriter(path, initial(dir), {
      onWrite: (m) => writes.push(m),
    });
    await writer.write();
    // Updates from separate continuations (microtasks) of one macrotask.
    const updates: Promise<void>[] = [];
    for (const i of [0, 1, 2]) {
      updates.push(writer.update((m) => {
        m.signals[i].status = "done";
      }));
      for (let tick = 0; tick < 5; tick++) await Promise.resolve();
    }
    await Promise.all(updates);
    assert.equal(writes.length, 2, "the first write, then one for all three");
    assert.equal(writes[1].completed, 3);
    assert.deepEqual(await readManifest(path), writes[1]);
  });
});
