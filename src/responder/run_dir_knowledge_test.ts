import assert from "node:assert/strict";
import { join } from "node:path";
import { readCaseStateFile } from "./run_dir_knowledge.ts";
import { FakeTime } from "../util/fake_time.ts";
import { withTempDir } from "../../tests/support/temp_dir.ts";

Deno.test("readCaseStateFile reads a state.json that is being replaced once it is back", async () => {
  await withTempDir(async (dir) => {
    const time = new FakeTime();
    let result: Record<string, unknown> | undefined | "pending" = "pending";
    // The runner removed the old state and has not renamed the new one yet.
    const reading = readCaseStateFile(dir, { clock: time }).then((state) =>
      result = state
    );
    await time.tickAsync(5);
    assert.equal(result, "pending");
    Deno.writeTextFileSync(join(dir, "state.json"), '{"rca_id": 3}');
    await time.tickAsync(1);
    await reading;
    assert.deepEqual(result, { rca_id: 3 });
  });
});

Deno.test("readCaseStateFile gives up on a missing directory at once and on a missing file after retryMs", async () => {
  await withTempDir(async (dir) => {
    assert.equal(await readCaseStateFile(join(dir, "gone")), undefined);
    const time = new FakeTime();
    const reading = readCaseStateFile(dir, { clock: time, retryMs: 10 });
    await time.tickAsync(11);
    assert.equal(await reading, undefined);
    Deno.writeTextFileSync(join(dir, "state.json"), "[1]");
    assert.equal(await readCaseStateFile(dir), undefined, "not an object");
  });
});

Deno.test("readCaseStateFile reads a state.json caught mid-rewrite again until it is whole", async () => {
  await withTempDir(async (dir) => {
    const time = new FakeTime();
    const path = join(dir, "state.json");
    Deno.writeTextFileSync(path, '{"rca_id": 4, "hist');
    const reading = readCaseStateFile(dir, { clock: time });
    await time.tickAsync(3);
    Deno.writeTextFileSync(path, '{"rca_id": 4, "history": []}');
    await time.tickAsync(1);
    assert.deepEqual(await reading, { rca_id: 4, history: [] });
  });
});

Deno.test("readCaseStateFile with confineTo reads no state through a case directory symlinked outside the run", async () => {
  await withTempDir(async (root) => {
    await withTempDir(async (outside) => {
      Deno.writeTextFileSync(join(outside, "state.json"), '{"rca_id": 7}');
      const caseDir = join(root, "1", "2");
      Deno.mkdirSync(join(root, "1"));
      Deno.symlinkSync(outside, caseDir);
      // Without the run directory the link is followed.
      assert.deepEqual(await readCaseStateFile(caseDir), { rca_id: 7 });
      // With it, the state outside is not read, and there is no wait for
      // one to appear.
      const time = new FakeTime();
      assert.equal(
        await readCaseStateFile(caseDir, { confineTo: root, clock: time }),
        undefined,
      );
      Deno.writeTextFileSync(join(root, "1", "state.json"), '{"rca_id": 3}');
      assert.deepEqual(
        await readCaseStateFile(join(root, "1"), { confineTo: root }),
        { rca_id: 3 },
      );
    });
  });
});
