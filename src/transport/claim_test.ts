import assert from "node:assert/strict";
import { join } from "node:path";
import { CLAIM_FILE, claimSignal, parseClaim, readClaim } from "./claim.ts";
import { SIGNAL_FILE, writeSignal } from "./signal.ts";
import { FakeTime } from "../util/fake_time.ts";
import { withDeadline } from "../../tests/support/wait_for.ts";

const clock = new FakeTime({ start: "2026-02-17T10:00:00.250Z" });

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "asterisk-claim-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function writeClaim(dir: string, text: string): Promise<void> {
  return Deno.writeTextFile(join(dir, CLAIM_FILE), text);
}

Deno.test("claimSignal creates claim.json and wins", async () => {
  await withDir(async (dir) => {
    assert.equal(
      await claimSignal(dir, { dispatchId: 7, agent: "subagent-1", clock }),
      true,
    );
    const text = await Deno.readTextFile(join(dir, CLAIM_FILE));
    assert.deepEqual(JSON.parse(text), {
      dispatch_id: 7,
      agent: "subagent-1",
      claimed_at: "2026-02-17T10:00:00Z",
    });
    assert.ok(text.endsWith("}\n"));
    assert.deepEqual(await readClaim(join(dir, CLAIM_FILE)), {
      dispatch_id: 7,
      agent: "subagent-1",
      claimed_at: "2026-02-17T10:00:00Z",
    });
  });
});

Deno.test("a second claim of the same dispatch loses and leaves the first", async () => {
  await withDir(async (dir) => {
    assert.equal(await claimSignal(dir, { dispatchId: 7, agent: "a" }), true);
    assert.equal(await claimSignal(dir, { dispatchId: 7, agent: "b" }), false);
    assert.equal((await readClaim(join(dir, CLAIM_FILE)))?.agent, "a");
  });
});

Deno.test("of many concurrent claimers exactly one wins", async () => {
  await withDir(async (dir) => {
    const results = await Promise.all(
      Array.from(
        { length: 20 },
        (_, i) => claimSignal(dir, { dispatchId: 3, agent: `agent-${i}` }),
      ),
    );
    assert.equal(results.filter(Boolean).length, 1);
    const winner = results.indexOf(true);
    assert.equal(
      (await readClaim(join(dir, CLAIM_FILE)))?.agent,
      `agent-${winner}`,
    );
  });
});

Deno.test("a claim of an older dispatch is stale and replaced", async () => {
  await withDir(async (dir) => {
    await writeClaim(dir, JSON.stringify({ dispatch_id: 4, agent: "late" }));
    assert.equal(await claimSignal(dir, { dispatchId: 5, agent: "new" }), true);
    const claim = await readClaim(join(dir, CLAIM_FILE));
    assert.equal(claim?.dispatch_id, 5);
    assert.equal(claim?.agent, "new");
    const names = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    assert.deepEqual(names, [CLAIM_FILE], "no lock or temporary file is left");
  });
});

Deno.test("of many concurrent claimers over a stale claim exactly one wins", async () => {
  await withDir(async (dir) => {
    for (let round = 0; round < 10; round++) {
      await writeClaim(
        dir,
        JSON.stringify({ dispatch_id: round, agent: "late" }),
      );
      const dispatchId = 100 + round;
      const results = await Promise.all(
        Array.from(
          { length: 8 },
          (_, i) => claimSignal(dir, { dispatchId, agent: `agent-${i}` }),
        ),
      );
      assert.equal(results.filter(Boolean).length, 1, `round ${round}`);
      const claim = await readClaim(join(dir, CLAIM_FILE));
      assert.equal(claim?.dispatch_id, dispatchId);
      assert.equal(claim?.agent, `agent-${results.indexOf(true)}`);
    }
  });
});

/** Writes `signal.json` in `dir` for dispatch `dispatchId`, waiting. */
function writeWaitingSignal(dir: string, dispatchId: number): Promise<void> {
  return writeSignal(join(dir, SIGNAL_FILE), {
    status: "waiting",
    dispatch_id: dispatchId,
    case_id: "C1",
    step: "F1_TRIAGE",
    prompt_path: join(dir, "prompt-triage.md"),
    artifact_path: join(dir, "triage-result.json"),
    timestamp: "2026-02-17T10:00:00Z",
  });
}

Deno.test("a claim of a newer dispatch is kept: the older signal was superseded", async () => {
  await withDir(async (dir) => {
    await writeWaitingSignal(dir, 9);
    await writeClaim(dir, JSON.stringify({ dispatch_id: 9, agent: "current" }));
    assert.equal(
      await claimSignal(dir, { dispatchId: 8, agent: "slow" }),
      false,
    );
    assert.equal((await readClaim(join(dir, CLAIM_FILE)))?.agent, "current");
  });
});

Deno.test("a forged claim naming a dispatch newer than the signal is stale and replaced", async () => {
  await withDir(async (dir) => {
    await writeWaitingSignal(dir, 8);
    await writeClaim(dir, JSON.stringify({ dispatch_id: 99, agent: "forger" }));
    assert.equal(await claimSignal(dir, { dispatchId: 8, agent: "a" }), true);
    assert.equal((await readClaim(join(dir, CLAIM_FILE)))?.agent, "a");
    // Claimed now: a second agent still loses, so it is answered once.
    assert.equal(await claimSignal(dir, { dispatchId: 8, agent: "b" }), false);
  });
});

Deno.test("a claim that stays unparseable is replaced after settle pauses on the clock", async () => {
  await withDir(async (dir) => {
    await writeClaim(dir, "");
    const time = new FakeTime();
    let done = false;
    const claiming = claimSignal(dir, {
      dispatchId: 2,
      agent: "a",
      clock: time,
    })
      .finally(() => done = true);
    // Each pause is a fake timer: the claim waits until the test advances it,
    // 9 pauses of 10 ms before the first read, 9 more under the lock.
    let pauses = 0;
    await withDeadline(async () => {
      while (!done) {
        await time.runMicrotasks();
        if (time.pendingTimers === 0) continue;
        assert.equal(time.nextTimerIn, 10);
        await time.tickAsync(10);
        pauses++;
      }
    }, "the claim settles");
    assert.equal(await claiming, true);
    assert.equal(pauses, 18);
    assert.equal(time.monotonic(), 180);
    assert.equal((await readClaim(join(dir, CLAIM_FILE)))?.dispatch_id, 2);
  });
});

Deno.test("a claim.json that is a symlink is garbage, never read through, and replaced", async () => {
  await withDir(async (dir) => {
    const outside = join(dir, "outside");
    await Deno.mkdir(outside);
    const elsewhere = join(outside, "claim.json");
    // A valid claim of this very dispatch, outside the signal's directory.
    const forged = JSON.stringify({ dispatch_id: 4, agent: "forger" });
    await Deno.writeTextFile(elsewhere, forged);
    const signalDir = join(dir, "C1");
    await Deno.mkdir(signalDir);
    const claimPath = join(signalDir, CLAIM_FILE);
    for (const target of [elsewhere, join(outside, "missing.json")]) {
      await Deno.symlink(target, claimPath);
      assert.equal(
        await withDeadline(
          claimSignal(signalDir, { dispatchId: 4, agent: "a", clock }),
          "the claim over a symlink",
        ),
        true,
        `claim over a symlink to ${target}`,
      );
      const info = Deno.lstatSync(claimPath);
      assert.ok(info.isFile && !info.isSymlink);
      assert.equal((await readClaim(claimPath))?.agent, "a");
      assert.equal(await Deno.readTextFile(elsewhere), forged);
      Deno.removeSync(claimPath);
    }
    // readClaim does not read through a symlink either.
    await Deno.symlink(elsewhere, claimPath);
    assert.equal(await readClaim(claimPath), undefined);
  });
});

Deno.test("a lock left by a crashed agent long ago is broken", async () => {
  await withDir(async (dir) => {
    await writeClaim(dir, JSON.stringify({ dispatch_id: 1, agent: "late" }));
    const lock = join(dir, `${CLAIM_FILE}.lock`);
    await Deno.writeTextFile(lock, "");
    const old = new Date(Date.now() - 60_000);
    await Deno.utime(lock, old, old);
    assert.equal(await claimSignal(dir, { dispatchId: 2, agent: "a" }), true);
    await assert.rejects(Deno.stat(lock), Deno.errors.NotFound);
  });
});

Deno.test("a fresh lock means another agent is replacing the stale claim", async () => {
  await withDir(async (dir) => {
    await writeClaim(dir, JSON.stringify({ dispatch_id: 1, agent: "late" }));
    const lock = join(dir, `${CLAIM_FILE}.lock`);
    await Deno.writeTextFile(lock, "");
    // The lock holder has not removed the stale claim yet: this one retry
    // loses, leaving the stale claim and the lock to their owner.
    assert.equal(await claimSignal(dir, { dispatchId: 2, agent: "a" }), false);
    assert.equal((await readClaim(join(dir, CLAIM_FILE)))?.dispatch_id, 1);
    await Deno.stat(lock);
  });
});

Deno.test("claimSignal rejects bad arguments and a missing directory", async () => {
  await withDir(async (dir) => {
    await assert.rejects(
      claimSignal(dir, { dispatchId: -1, agent: "a" }),
      RangeError,
    );
    await assert.rejects(
      claimSignal(dir, { dispatchId: 1.5, agent: "a" }),
      /expected a safe non-negative integer/,
    );
    await assert.rejects(
      claimSignal(dir, { dispatchId: 1, agent: 3 as unknown as string }),
      TypeError,
    );
    await assert.rejects(
      claimSignal(join(dir, "missing"), { dispatchId: 1, agent: "a" }),
      Deno.errors.NotFound,
    );
  });
});

Deno.test("parseClaim needs only an integer dispatch_id", () => {
  assert.deepEqual(parseClaim('{"dispatch_id": 4}'), {
    dispatch_id: 4,
    agent: "",
    claimed_at: "",
  });
  assert.equal(parseClaim(""), undefined);
  assert.equal(parseClaim("{"), undefined);
  assert.equal(parseClaim("[]"), undefined);
  assert.equal(parseClaim('{"dispatch_id": "4"}'), undefined);
  assert.equal(parseClaim('{"agent": "a"}'), undefined);
});

Deno.test("readClaim returns undefined for a missing file", async () => {
  await withDir(async (dir) => {
    assert.equal(await readClaim(join(dir, CLAIM_FILE)), undefined);
  });
});
