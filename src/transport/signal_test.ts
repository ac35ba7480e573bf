import assert from "node:assert/strict";
import { join } from "node:path";
import {
  readSignal,
  type Signal,
  SIGNAL_FILE,
  SignalSchema,
  writeSignal,
} from "./signal.ts";

function sampleSignal(dir: string, overrides: Partial<Signal> = {}): Signal {
  return {
    status: "waiting",
    dispatch_id: 1_795_000_000_000_042,
    case_id: "C1",
    step: "F0_RECALL",
    prompt_path: join(dir, "prompt-recall.md"),
    artifact_path: join(dir, "recall-result.json"),
    timestamp: "2026-02-17T10:00:00Z",
    ...overrides,
  };
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

// --- signal.json ----------------------------------------------------------------

Deno.test("writeSignal writes the Go keys in order and readSignal reads them back", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, SIGNAL_FILE);
    const signal = sampleSignal(dir);
    await writeSignal(path, signal);
    const text = await Deno.readTextFile(path);
    assert.deepEqual(Object.keys(JSON.parse(text)), [
      "status",
      "dispatch_id",
      "case_id",
      "step",
      "prompt_path",
      "artifact_path",
      "timestamp",
    ]);
    assert.ok(text.endsWith("}\n"));
    assert.deepEqual(await readSignal(path), signal);
    const names = [...Deno.readDirSync(dir)].map((entry) => entry.name);
    assert.deepEqual(names, [SIGNAL_FILE], "no temporary file is left");
  });
});

Deno.test("writeSignal keeps a non-empty error and omits an empty one", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, SIGNAL_FILE);
    await writeSignal(path, sampleSignal(dir, { status: "done", error: "" }));
    assert.equal("error" in JSON.parse(await Deno.readTextFile(path)), false);
    await writeSignal(
      path,
      sampleSignal(dir, { status: "error", error: "dispatch aborted" }),
    );
    const signal = await readSignal(path);
    assert.equal(signal?.status, "error");
    assert.equal(signal?.error, "dispatch aborted");
  });
});

Deno.test("writeSignal rejects a relative path, naming the field", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, SIGNAL_FILE);
    await assert.rejects(
      writeSignal(path, {
        ...sampleSignal(dir),
        artifact_path: "C1/recall-result.json",
      }),
      {
        name: "TypeError",
        message:
          `Cannot write signal '${path}': field 'artifact_path' must be an absolute path`,
      },
    );
    await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
  });
});

Deno.test("writeSignal rejects a status outside the documented set", async () => {
  await withTempDir(async (dir) => {
    const signal = { ...sampleSignal(dir), status: "complete" } as unknown;
    await assert.rejects(
      writeSignal(join(dir, SIGNAL_FILE), signal as Signal),
      (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, /field 'status' must be one of 'waiting'/);
        return true;
      },
    );
  });
});

Deno.test("readSignal returns undefined for a missing or unparseable signal", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, SIGNAL_FILE);
    assert.equal(await readSignal(path), undefined);
    await Deno.writeTextFile(path, "{ not json");
    assert.equal(await readSignal(path), undefined);
    await Deno.writeTextFile(path, "[]");
    assert.equal(await readSignal(path), undefined);
    await Deno.writeTextFile(
      path,
      JSON.stringify({ ...sampleSignal(dir), status: "complete" }),
    );
    assert.equal(await readSignal(path), undefined, "Go's 'complete' status");
    await Deno.writeTextFile(
      path,
      JSON.stringify({ ...sampleSignal(dir), prompt_path: "prompt.md" }),
    );
    assert.equal(await readSignal(path), undefined, "relative path");
  });
});

Deno.test("the signal schema accepts only the four statuses and integer ids", () => {
  const base = sampleSignal("/run/C1");
  for (const status of ["waiting", "processing", "done", "error"]) {
    assert.ok(SignalSchema.safeParse({ ...base, status }).success, status);
  }
  assert.equal(
    SignalSchema.safeParse({ ...base, status: "complete" }).success,
    false,
  );
  assert.equal(
    SignalSchema.safeParse({ ...base, dispatch_id: 1.5 }).success,
    false,
  );
  assert.equal(
    SignalSchema.safeParse({ ...base, timestamp: "2026-02-17T10:00:00.123Z" })
      .success,
    false,
  );
});
