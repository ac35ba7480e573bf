/**
 * The store contract, run against both stores: units of work commit whole or
 * not at all, run records round-trip, and (for SQLite) everything committed
 * survives closing and reopening the database.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { MemoryStore } from "./memory_store.ts";
import { MAX_GROUP_UNITS, SqliteStore } from "./sqlite_store.ts";
import {
  type ArtifactRecord,
  type DispatchRecord,
  type Store,
  StoreError,
  StoreIoError,
} from "./store.ts";
import { withTempDir } from "../../tests/support/temp_dir.ts";

const now = () => new Date("2026-02-17T10:00:00Z");

/** A store under test; `reopen` returns what a later process would see. */
interface Subject {
  readonly store: Store;
  reopen(): Promise<Store>;
}

type Factory = (dir: string) => Subject;

const FACTORIES: Record<string, Factory> = {
  MemoryStore: () => {
    const store = new MemoryStore({ now });
    return { store, reopen: () => Promise.resolve(store) };
  },
  SqliteStore: (dir) => {
    const path = join(dir, "run.db");
    const store = SqliteStore.open({ path, now });
    return {
      store,
      async reopen() {
        await store.close();
        return SqliteStore.open({ path, now });
      },
    };
  },
  "SqliteStore (grouped)": (dir) => {
    const path = join(dir, "run.db");
    const store = SqliteStore.open({ path, now, commitIntervalMs: 60_000 });
    return {
      store,
      async reopen() {
        await store.close();
        return SqliteStore.open({ path, now });
      },
    };
  },
};

async function scaffold(store: Store) {
  return await store.transaction(async () => {
    const suite = await store.createSuite({ name: "s" });
    const first = await store.createCase({ jobId: 1, launchId: 1, name: "a" });
    const second = await store.createCase({ jobId: 1, launchId: 1, name: "b" });
    return { suite, first, second };
  });
}

for (const [name, factory] of Object.entries(FACTORIES)) {
  Deno.test(`${name}: a unit of work commits every write together`, async () => {
    await withTempDir(async (dir) => {
      const subject = factory(dir);
      const { first } = await scaffold(subject.store);
      await subject.store.transaction(async () => {
        const symptom = await subject.store.createSymptom({
          fingerprint: "f1",
          name: "timeout",
        });
        await subject.store.linkCaseToSymptom(first.id, symptom.id);
        await subject.store.saveCaseState(first.id, { step: "F1" });
        await subject.store.addArtifact({
          caseId: first.id,
          step: "F0_RECALL",
          attempt: 0,
          raw: '{"match":false}',
          normalised: { match: false },
        });
      });
      const store = await subject.reopen();
      assert.equal((await store.getCase(first.id))?.symptomId, 1);
      assert.deepEqual(await store.listCaseStates(), [
        { caseId: first.id, state: { step: "F1" } },
      ]);
      const [artifact] = await store.listArtifacts();
      assert.equal(artifact.raw, '{"match":false}');
      assert.deepEqual(artifact.normalised, { match: false });
      assert.equal(artifact.acceptedAt, "2026-02-17T10:00:00Z");
      await store.close();
    });
  });

  Deno.test(`${name}: a unit of work that throws leaves nothing`, async () => {
    await withTempDir(async (dir) => {
      const subject = factory(dir);
      const { first } = await scaffold(subject.store);
      await assert.rejects(
        subject.store.transaction(async () => {
          const symptom = await subject.store.createSymptom({
            fingerprint: "f1",
            name: "timeout",
          });
          await subject.store.linkCaseToSymptom(first.id, symptom.id);
          await subject.store.saveCaseState(first.id, { step: "F1" });
          await subject.store.setSetting("phase", "investigation");
          await subject.store.linkCaseToSymptom(first.id, 99);
        }),
        StoreError,
      );
      assert.equal((await subject.store.getCase(first.id))?.symptomId, 0);
      assert.deepEqual(await subject.store.listSymptoms(), []);
      assert.deepEqual(await subject.store.listCaseStates(), []);
      assert.equal(await subject.store.getSetting("phase"), undefined);
      // Ids are not consumed by a unit that was undone.
      const symptom = await subject.store.transaction(() =>
        subject.store.createSymptom({ fingerprint: "f2", name: "crash" })
      );
      assert.equal(symptom.id, 1);
      const store = await subject.reopen();
      assert.deepEqual(
        (await store.listSymptoms()).map((s) => s.fingerprint),
        ["f2"],
      );
      await store.close();
    });
  });

  Deno.test(`${name}: ids continue after reopening`, async () => {
    await withTempDir(async (dir) => {
      const subject = factory(dir);
      await scaffold(subject.store);
      await subject.store.transaction(async () => {
        const ref = await subject.store.addPendingReference({
          caseId: 1,
          targetCaseId: 2,
          kind: "recall",
          confidence: 0.9,
        });
        await subject.store.removePendingReference(ref.id);
      });
      const store = await subject.reopen();
      const next = await store.transaction(() =>
        store.createCase({ jobId: 1, launchId: 1, name: "c" })
      );
      assert.equal(next.id, 3);
      const ref = await store.transaction(() =>
        store.addPendingReference({
          caseId: 1,
          targetCaseId: 2,
          kind: "correlate",
          confidence: 0.8,
        })
      );
      assert.equal(ref.id, 2);
      assert.deepEqual(await store.listPendingReferences(), [ref]);
      await store.close();
    });
  });

  Deno.test(`${name}: settings and the dispatch log round-trip`, async () => {
    await withTempDir(async (dir) => {
      const subject = factory(dir);
      await subject.store.setSetting("settings", { parallel: 4 });
      await subject.store.logDispatch({
        caseId: 1,
        step: "F0_RECALL",
        attempt: 0,
        transport: "file",
        offeredAt: "2026-01-01T00:00:00.000Z",
        settledAt: "2026-01-01T00:00:01.000Z",
        outcome: "answered",
        detail: "",
        repairs: [{ kind: "bom", detail: "byte order mark removed" }],
        flags: [],
      });
      await subject.store.flush();
      const store = await subject.reopen();
      assert.deepEqual(await store.getSetting("settings"), { parallel: 4 });
      assert.deepEqual(
        (await store.listDispatches()).map((
          d,
        ) => [d.id, d.outcome, d.transport]),
        [[1, "answered", "file"]],
      );
      await store.close();
    });
  });

  Deno.test(`${name}: artifacts and dispatches list whole, written or not, inside a unit too`, async () => {
    await withTempDir(async (dir) => {
      const { store } = factory(dir);
      const dispatch = (caseId: number) =>
        store.logDispatch({
          caseId,
          step: "F0_RECALL",
          attempt: 0,
          transport: "in-process",
          offeredAt: "2026-01-01T00:00:00.000Z",
          settledAt: "2026-01-01T00:00:01.000Z",
          outcome: "answered",
          detail: "",
          repairs: [],
          flags: [{ kind: "unknown-id", detail: `case ${caseId}` }],
        });
      const artifact = (caseId: number) =>
        store.addArtifact({
          caseId,
          step: "F0_RECALL",
          attempt: 0,
          raw: `{"match":false,"case":${caseId}}`,
          normalised: { match: false, case: caseId, refs: [caseId] },
        });
      const added: [ArtifactRecord, DispatchRecord][] = [];
      for (let i = 1; i <= 3; i++) {
        added.push(
          await store.transaction(async () => [
            await artifact(i),
            await dispatch(i),
          ]),
        );
      }
      await store.flush();
      await store.transaction(async () => {
        added.push([await artifact(4), await dispatch(4)]);
        // Inside the unit: the written rows and the unit's own.
        assert.deepEqual(await store.listArtifacts(), added.map(([a]) => a));
        assert.deepEqual(await store.listDispatches(), added.map(([, d]) => d));
      });
      assert.deepEqual(await store.listArtifacts(), added.map(([a]) => a));
      assert.deepEqual(await store.listDispatches(), added.map(([, d]) => d));
      await store.close();
    });
  });

  Deno.test(`${name}: indexed lookups follow writes, rolled-back units and reopening`, async () => {
    await withTempDir(async (dir) => {
      const subject = factory(dir);
      const { store } = subject;
      const { first, second } = await scaffold(store);
      const rca = await store.transaction(async () => {
        const rca = await store.saveRca({
          title: "t",
          description: "d",
          defectType: "pb001",
          originCaseId: first.id,
        });
        await store.linkCaseToRca(first.id, rca.id);
        await store.linkCaseToRca(second.id, rca.id);
        await store.addPendingReference({
          caseId: second.id,
          targetCaseId: first.id,
          kind: "recall",
          confidence: 0.9,
        });
        return rca;
      });
      await assert.rejects(
        store.transaction(async () => {
          await store.linkCaseToRca(second.id, 0);
          await store.addPendingReference({
            caseId: first.id,
            targetCaseId: second.id,
            kind: "correlate",
            confidence: 0.5,
          });
          assert.deepEqual(
            (await store.listCasesByRca(rca.id)).map((c) => c.id),
            [first.id],
          );
          throw new Error("undo");
        }),
        /undo/,
      );
      await store.flush();
      const check = async (s: Store) => {
        assert.deepEqual(
          (await s.listCasesByRca(rca.id)).map((c) => c.id),
          [first.id, second.id],
        );
        assert.deepEqual(await s.listCasesByRca(999), []);
        assert.deepEqual(
          (await s.listRcasByOrigin(first.id)).map((r) => r.id),
          [rca.id],
        );
        assert.deepEqual(
          (await s.listPendingReferencesTo(first.id)).map((p) => p.caseId),
          [second.id],
        );
        assert.deepEqual(
          (await s.listPendingReferencesFrom(second.id)).map((p) =>
            p.targetCaseId
          ),
          [first.id],
        );
        assert.deepEqual(await s.listPendingReferencesFrom(first.id), []);
      };
      await check(store);
      const reopened = await subject.reopen();
      await check(reopened);
      await reopened.close();
    });
  });
}

Deno.test("SqliteStore groups units until the interval has passed", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "run.db");
    let ms = 0;
    const clock = () => new Date(ms);
    const store = SqliteStore.open({ path, now: clock, commitIntervalMs: 200 });
    const reader = new DatabaseSync(path);
    const count = () =>
      (reader.prepare("SELECT count(*) AS n FROM cases").get() as {
        n: number;
      }).n;
    const addCase = (name: string) =>
      store.transaction(() =>
        store.createCase({ jobId: 1, launchId: 1, name })
      );
    await addCase("a");
    ms = 100;
    await addCase("b");
    assert.equal(count(), 0, "a group is written once the interval passed");
    ms = 250;
    await addCase("c");
    assert.equal(count(), 3);
    await addCase("d");
    assert.equal(count(), 3);
    await store.flush();
    assert.equal(count(), 4);
    reader.close();
    await store.close();
  });
});

Deno.test("SqliteStore writes a group once it holds MAX_GROUP_UNITS units", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "run.db");
    const store = SqliteStore.open({
      path,
      now: () => new Date(0),
      commitIntervalMs: 60_000,
    });
    const reader = new DatabaseSync(path);
    const count = () =>
      (reader.prepare("SELECT count(*) AS n FROM cases").get() as {
        n: number;
      }).n;
    for (let i = 1; i < MAX_GROUP_UNITS; i++) {
      await store.transaction(() =>
        store.createCase({ jobId: 1, launchId: 1, name: `c${i}` })
      );
    }
    assert.equal(count(), 0, "the interval has not passed");
    await store.transaction(() =>
      store.createCase({ jobId: 1, launchId: 1, name: "last" })
    );
    assert.equal(count(), MAX_GROUP_UNITS);
    reader.close();
    await store.close();
  });
});

Deno.test("SqliteStore reports a failed write as a StoreIoError", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "run.db");
    let db: DatabaseSync | undefined;
    const store = SqliteStore.open({
      path,
      openDatabase: (p) => db = new DatabaseSync(p),
    });
    await scaffold(store);
    // A real SQLite refusal: the connection may no longer write (as on a
    // read-only remount; root ignores permission bits, so chmod cannot).
    db!.exec("PRAGMA query_only = ON");
    await assert.rejects(
      store.transaction(() => store.setSetting("x", 1)),
      (error: unknown) => {
        assert.ok(error instanceof StoreIoError);
        assert.match(error.message, /^Cannot write run store '.*run\.db': /);
        return true;
      },
    );
    db!.exec("PRAGMA query_only = OFF");
    // The store refuses later writes: they would persist a step after a gap.
    await assert.rejects(
      store.transaction(() => store.setSetting("y", 2)),
      StoreIoError,
    );
    await assert.rejects(store.close(), StoreIoError);
    const reopened = SqliteStore.open({ path });
    assert.equal((await reopened.listCases()).length, 2);
    assert.equal(await reopened.getSetting("x"), undefined);
    await reopened.close();
  });
});

Deno.test("SqliteStore notices its database file was removed", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "run.db");
    const store = SqliteStore.open({ path });
    await scaffold(store);
    await Deno.remove(path);
    await assert.rejects(
      store.transaction(() => store.setSetting("x", 1)),
      /database file was removed or replaced/,
    );
    await assert.rejects(store.close(), StoreIoError);
  });
});

Deno.test("SqliteStore refuses a database of another schema version", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "run.db");
    await SqliteStore.open({ path }).close();
    const db = new DatabaseSync(path);
    db.exec("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    db.close();
    assert.throws(
      () => SqliteStore.open({ path }),
      /Cannot open run store '.*': schema version '99'; expected '1'/,
    );
  });
});
