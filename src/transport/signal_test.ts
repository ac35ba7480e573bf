import assert from "node:assert/strict";
import { join } from "node:path";
import {
  parseWrapper,
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

// --- artifact wrapper -----------------------------------------------------------

Deno.test("parseWrapper accepts a wrapper with any non-null data", () => {
  for (const data of [{ match: true }, 0, false, "", []]) {
    const result = parseWrapper(JSON.stringify({ dispatch_id: 7, data }));
    assert.deepEqual(result, { ok: true, wrapper: { dispatch_id: 7, data } });
  }
});

Deno.test("parseWrapper reports invalid JSON with the syntax error", () => {
  const result = parseWrapper('{"dispatch_id": 7, "da');
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.problem, "invalid-json");
  assert.match(result.message, /^invalid JSON: /);
  assert.ok(result.cause instanceof SyntaxError);
  assert.equal(result.dispatchId, undefined);
});

Deno.test("parseWrapper reports a value that is not an object", () => {
  for (
    const [text, found] of [
      ["[1]", "an array"],
      ["null", "null"],
      ['"x"', "a string"],
      ["12", "a number"],
    ]
  ) {
    assert.deepEqual(parseWrapper(text), {
      ok: false,
      problem: "not-object",
      message:
        `expected a JSON object with 'dispatch_id' and 'data', found ${found}`,
    });
  }
});

Deno.test("parseWrapper reports a missing or non-integer dispatch_id", () => {
  assert.deepEqual(parseWrapper('{"data": {}}'), {
    ok: false,
    problem: "dispatch-id",
    message: "field 'dispatch_id' is missing; expected an integer",
  });
  assert.deepEqual(parseWrapper('{"dispatch_id": "7", "data": {}}'), {
    ok: false,
    problem: "dispatch-id",
    message: `field 'dispatch_id' must be an integer, found "7"`,
  });
  assert.deepEqual(parseWrapper('{"dispatch_id": 1.5, "data": {}}'), {
    ok: false,
    problem: "dispatch-id",
    message: "field 'dispatch_id' must be an integer, found 1.5",
  });
});

Deno.test("parseWrapper reports a missing or null data, naming field 'data'", () => {
  assert.deepEqual(parseWrapper('{"dispatch_id": 7}'), {
    ok: false,
    problem: "data",
    message: "field 'data' is missing; expected the step payload",
    dispatchId: 7,
  });
  assert.deepEqual(parseWrapper('{"dispatch_id": 7, "data": null}'), {
    ok: false,
    problem: "data",
    message: "field 'data' must not be null; expected the step payload",
    dispatchId: 7,
  });
});
