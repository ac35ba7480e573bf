import assert from "node:assert/strict";
import { MemoryStore } from "./memory_store.ts";
import { type NewTriage, type RcaInput, StoreError } from "./store.ts";

const T0 = "2026-02-17T10:00:00Z";
const DAY = 86_400_000;

/** A settable clock; `now()` returns a fresh Date each call. */
function fakeClock(start: string = T0) {
  let current = Date.parse(start);
  return {
    now: () => new Date(current),
    set(iso: string) {
      current = Date.parse(iso);
    },
    advance(ms: number) {
      current += ms;
    },
  };
}

function newStore(start: string = T0) {
  const clock = fakeClock(start);
  return { store: new MemoryStore({ now: clock.now }), clock };
}

/** Asserts that `promise` rejects with a StoreError carrying `message`. */
async function rejectsWithStoreError(
  promise: Promise<unknown>,
  message: string,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof StoreError, `expected a StoreError: ${error}`);
    assert.equal(error.name, "StoreError");
    assert.equal(error.message, message);
    return true;
  });
}

/** A case with its job scaffolding; returns the case. */
async function addCase(
  store: MemoryStore,
  name = "TestFoo",
  errorMessage = "boom",
) {
  return await store.createCase({ jobId: 1, launchId: 1, name, errorMessage });
}

function triageInput(caseId: number, overrides: Partial<NewTriage> = {}) {
  return {
    caseId,
    symptomCategory: "product",
    severity: "high",
    defectTypeHypothesis: "pb001",
    skipInvestigation: false,
    clockSkewSuspected: false,
    cascadeSuspected: false,
    candidateRepos: ["linuxptp-daemon"],
    dataQualityNotes: "",
    ...overrides,
  } satisfies NewTriage;
}

function rcaInput(overrides: Partial<RcaInput> = {}): RcaInput {
  return {
    title: "Holdover timeout",
    description: "The daemon drops holdover too early",
    defectType: "pb001",
    ...overrides,
  };
}

// ---------------------------------------------------------------------------
// Ids, clock, isolation

Deno.test("MemoryStore counts ids per entity from 1", async () => {
  const { store } = newStore();
  assert.equal((await store.createSuite({ name: "s" })).id, 1);
  assert.equal((await store.createSuite({ name: "s2" })).id, 2);
  assert.equal((await store.createVersion("4.21")).id, 1);
  assert.equal((await store.createVersion("4.22")).id, 2);
  const pipeline = await store.createPipeline({
    suiteId: 1,
    versionId: 1,
    name: "CI 4.21 job",
    status: "complete",
  });
  assert.equal(pipeline.id, 1);
  assert.equal(
    (await store.createLaunch({ pipelineId: 1, name: "L", status: "complete" }))
      .id,
    1,
  );
  assert.equal(
    (await store.createJob({ launchId: 1, name: "J", status: "complete" })).id,
    1,
  );
  assert.equal((await addCase(store)).id, 1);
  assert.equal((await addCase(store)).id, 2);
  assert.equal(
    (await store.createSymptom({ fingerprint: "f1", name: "n" })).id,
    1,
  );
  assert.equal((await store.saveRca(rcaInput())).id, 1);
  assert.equal((await store.saveTriage(triageInput(1))).id, 1);
  assert.equal(
    (await store.linkSymptomToRca({
      symptomId: 1,
      rcaId: 1,
      confidence: 0.9,
      notes: "",
    })).id,
    1,
  );
  assert.equal(
    (await store.addPendingReference({
      caseId: 2,
      targetCaseId: 1,
      kind: "recall",
      confidence: 0.9,
    })).id,
    1,
  );
});

Deno.test("MemoryStore stamps UTC RFC 3339 timestamps with whole seconds", async () => {
  const { store } = newStore("2026-02-17T10:00:00.999Z");
  const suite = await store.createSuite({ name: "s" });
  assert.equal(suite.createdAt, "2026-02-17T10:00:00Z");
});

Deno.test("MemoryStore uses the system clock by default", async () => {
  const store = new MemoryStore();
  const before = Math.floor(Date.now() / 1000) * 1000;
  const suite = await store.createSuite({ name: "s" });
  const after = Date.now();
  assert.match(suite.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const stamped = Date.parse(suite.createdAt);
  assert.ok(stamped >= before && stamped <= after, suite.createdAt);
});

Deno.test("MemoryStore instances share no state", async () => {
  const { store: a } = newStore();
  const { store: b } = newStore();
  await a.createSuite({ name: "a" });
  await a.createVersion("4.21");
  await addCase(a);
  await a.createSymptom({ fingerprint: "f", name: "n" });
  await a.saveRca(rcaInput());

  assert.equal(await b.getSuite(1), undefined);
  assert.deepEqual(await b.listVersions(), []);
  assert.deepEqual(await b.listCases(), []);
  assert.deepEqual(await b.listSymptoms(), []);
  assert.deepEqual(await b.listRcas(), []);
  // Same label and fingerprint are free in the other store; its ids start at 1.
  assert.equal((await b.createVersion("4.21")).id, 1);
  assert.equal((await b.createSymptom({ fingerprint: "f", name: "n" })).id, 1);
  assert.equal((await b.createSuite({ name: "b" })).id, 1);
});

Deno.test("MemoryStore rejects failed writes instead of throwing synchronously", async () => {
  const { store } = newStore();
  let promise: Promise<unknown> | undefined;
  assert.doesNotThrow(() => {
    promise = store.updateCaseStatus(1, "closed");
  });
  assert.ok(promise instanceof Promise);
  await rejectsWithStoreError(
    promise,
    "Cannot set the status of case 1 to 'closed': no case has id 1",
  );
});

// ---------------------------------------------------------------------------
// Suites, versions, pipelines, launches, jobs

Deno.test("MemoryStore.createSuite() defaults status to open and stamps createdAt", async () => {
  const { store } = newStore();
  assert.deepEqual(await store.createSuite({ name: "ptp-mock" }), {
    id: 1,
    name: "ptp-mock",
    description: "",
    status: "open",
    createdAt: T0,
    closedAt: "",
  });
  const empty = await store.createSuite({ name: "x", status: "" });
  assert.equal(empty.status, "open");
  const given = await store.createSuite({
    name: "y",
    description: "d",
    status: "active",
  });
  assert.equal(given.status, "active");
  assert.equal(given.description, "d");
});

Deno.test("MemoryStore.getSuite() returns a copy, or undefined when absent", async () => {
  const { store } = newStore();
  await store.createSuite({ name: "s" });
  const got = await store.getSuite(1);
  assert.ok(got);
  (got as { name: string }).name = "changed";
  assert.equal((await store.getSuite(1))?.name, "s");
  assert.equal(await store.getSuite(2), undefined);
  assert.equal(await store.getSuite(0), undefined);
});

Deno.test("MemoryStore.createVersion() refuses a duplicate label", async () => {
  const { store } = newStore();
  assert.deepEqual(await store.createVersion("4.21"), {
    id: 1,
    label: "4.21",
    ocpBuild: "",
  });
  await rejectsWithStoreError(
    store.createVersion("4.21", "build-2"),
    "Cannot create version '4.21': version 1 has that label already; expected a new label",
  );
  // The refused write consumed no id and changed nothing.
  assert.deepEqual(await store.createVersion("4.22", "b"), {
    id: 2,
    label: "4.22",
    ocpBuild: "b",
  });
  assert.deepEqual(
    (await store.listVersions()).map((v) => v.label),
    ["4.21", "4.22"],
  );
});

Deno.test("MemoryStore.listVersions() returns copies sorted by id", async () => {
  const { store } = newStore();
  await store.createVersion("4.22");
  await store.createVersion("4.20");
  await store.createVersion("4.21");
  const list = await store.listVersions();
  assert.deepEqual(list.map((v) => v.id), [1, 2, 3]);
  (list[0] as { label: string }).label = "changed";
  list.pop();
  const again = await store.listVersions();
  assert.deepEqual(again.map((v) => v.label), ["4.22", "4.20", "4.21"]);
});

Deno.test("MemoryStore creates pipelines, launches and jobs from their fields", async () => {
  const { store } = newStore();
  assert.deepEqual(
    await store.createPipeline({
      suiteId: 1,
      versionId: 2,
      name: "CI 4.21 job",
      status: "complete",
    }),
    {
      id: 1,
      suiteId: 1,
      versionId: 2,
      name: "CI 4.21 job",
      status: "complete",
    },
  );
  assert.deepEqual(
    await store.createLaunch({ pipelineId: 1, name: "L", status: "complete" }),
    { id: 1, pipelineId: 1, name: "L", status: "complete" },
  );
  assert.deepEqual(
    await store.createJob({ launchId: 1, name: "J", status: "complete" }),
    { id: 1, launchId: 1, name: "J", status: "complete" },
  );
  assert.equal(
    (await store.createPipeline({
      suiteId: 1,
      versionId: 2,
      name: "p2",
      status: "complete",
    })).id,
    2,
  );
});

// ---------------------------------------------------------------------------
// Cases

Deno.test("MemoryStore.createCase() fills the defaults", async () => {
  const { store } = newStore();
  assert.deepEqual(
    await store.createCase({ jobId: 3, launchId: 4, name: "TestFoo" }),
    {
      id: 1,
      jobId: 3,
      launchId: 4,
      name: "TestFoo",
      status: "open",
      symptomId: 0,
      rcaId: 0,
      errorMessage: "",
      logSnippet: "",
      logTruncated: false,
      createdAt: T0,
      updatedAt: T0,
    },
  );
  const full = await store.createCase({
    jobId: 1,
    launchId: 1,
    name: "TestBar",
    status: "triaged",
    errorMessage: "boom",
    logSnippet: "log",
    logTruncated: true,
  });
  assert.equal(full.status, "triaged");
  assert.equal(full.errorMessage, "boom");
  assert.equal(full.logSnippet, "log");
  assert.equal(full.logTruncated, true);
  const emptyStatus = await store.createCase({
    jobId: 1,
    launchId: 1,
    name: "TestBaz",
    status: "" as "open",
  });
  assert.equal(emptyStatus.status, "open");
});

Deno.test("MemoryStore.getCase() and listCases() return copies sorted by id", async () => {
  const { store } = newStore();
  await addCase(store, "a");
  await addCase(store, "b");
  await addCase(store, "c");
  const got = await store.getCase(2);
  assert.equal(got?.name, "b");
  (got as { status: string }).status = "closed";
  assert.equal((await store.getCase(2))?.status, "open");
  assert.equal(await store.getCase(4), undefined);

  const list = await store.listCases();
  assert.deepEqual(list.map((c) => c.id), [1, 2, 3]);
  (list[0] as { name: string }).name = "changed";
  list.length = 0;
  assert.deepEqual((await store.listCases()).map((c) => c.name), [
    "a",
    "b",
    "c",
  ]);
});

Deno.test("MemoryStore.updateCaseStatus() sets the status and refreshes updatedAt", async () => {
  const { store, clock } = newStore();
  await addCase(store);
  clock.set("2026-02-17T11:00:00Z");
  const updated = await store.updateCaseStatus(1, "triaged");
  assert.equal(updated.status, "triaged");
  assert.equal(updated.createdAt, T0);
  assert.equal(updated.updatedAt, "2026-02-17T11:00:00Z");
  assert.deepEqual(await store.getCase(1), updated);
  await rejectsWithStoreError(
    store.updateCaseStatus(7, "closed"),
    "Cannot set the status of case 7 to 'closed': no case has id 7",
  );
});

Deno.test("MemoryStore.linkCaseToSymptom() links known cases and symptoms only", async () => {
  const { store, clock } = newStore();
  await addCase(store);
  await store.createSymptom({ fingerprint: "f", name: "TestFoo" });
  clock.set("2026-02-17T12:00:00Z");
  const linked = await store.linkCaseToSymptom(1, 1);
  assert.equal(linked.symptomId, 1);
  assert.equal(linked.updatedAt, "2026-02-17T12:00:00Z");
  assert.equal((await store.getCase(1))?.symptomId, 1);

  clock.set("2026-02-17T13:00:00Z");
  await rejectsWithStoreError(
    store.linkCaseToSymptom(7, 1),
    "Cannot link case 7 to symptom 1: no case has id 7",
  );
  await rejectsWithStoreError(
    store.linkCaseToSymptom(1, 3),
    "Cannot link case 1 to symptom 3: no symptom has id 3",
  );
  await rejectsWithStoreError(
    store.linkCaseToSymptom(1, 0),
    "Cannot link case 1 to symptom 0: no symptom has id 0",
  );
  // Refused writes leave the case as it was.
  const after = await store.getCase(1);
  assert.equal(after?.symptomId, 1);
  assert.equal(after?.updatedAt, "2026-02-17T12:00:00Z");
});

Deno.test("MemoryStore.linkCaseToRca() links known RCAs and clears with 0", async () => {
  const { store, clock } = newStore();
  await addCase(store);
  await store.saveRca(rcaInput());
  clock.set("2026-02-17T12:00:00Z");
  const linked = await store.linkCaseToRca(1, 1);
  assert.equal(linked.rcaId, 1);
  assert.equal(linked.updatedAt, "2026-02-17T12:00:00Z");

  clock.set("2026-02-17T13:00:00Z");
  const cleared = await store.linkCaseToRca(1, 0);
  assert.equal(cleared.rcaId, 0);
  assert.equal(cleared.updatedAt, "2026-02-17T13:00:00Z");
  assert.equal((await store.getCase(1))?.rcaId, 0);

  await rejectsWithStoreError(
    store.linkCaseToRca(1, 5),
    "Cannot link case 1 to RCA 5: no RCA has id 5",
  );
  await rejectsWithStoreError(
    store.linkCaseToRca(9, 1),
    "Cannot link case 9 to RCA 1: no case has id 9",
  );
  await rejectsWithStoreError(
    store.linkCaseToRca(9, 0),
    "Cannot link case 9 to RCA 0: no case has id 9",
  );
  assert.equal((await store.getCase(1))?.rcaId, 0);
});

// ---------------------------------------------------------------------------
// Triage

Deno.test("MemoryStore.saveTriage() stores one row per case", async () => {
  const { store, clock } = newStore();
  await addCase(store, "a");
  await addCase(store, "b");
  const first = await store.saveTriage(triageInput(1));
  assert.deepEqual(first, { id: 1, ...triageInput(1), createdAt: T0 });
  assert.deepEqual(await store.getTriage(1), first);

  clock.set("2026-02-17T11:00:00Z");
  const replaced = await store.saveTriage(
    triageInput(1, {
      symptomCategory: "automation",
      severity: "low",
      skipInvestigation: true,
      candidateRepos: [],
    }),
  );
  assert.deepEqual(replaced, {
    id: 1,
    ...triageInput(1, {
      symptomCategory: "automation",
      severity: "low",
      skipInvestigation: true,
      candidateRepos: [],
    }),
    createdAt: "2026-02-17T11:00:00Z",
  });
  assert.deepEqual(await store.getTriage(1), replaced);

  // Re-saving did not use up an id.
  assert.equal((await store.saveTriage(triageInput(2))).id, 2);
  assert.equal(await store.getTriage(3), undefined);
});

Deno.test("MemoryStore.saveTriage() refuses an unknown case", async () => {
  const { store } = newStore();
  await rejectsWithStoreError(
    store.saveTriage(triageInput(4)),
    "Cannot save the triage of case 4: no case has id 4",
  );
  assert.equal(await store.getTriage(4), undefined);
});

Deno.test("MemoryStore.saveTriage() copies candidateRepos in and out", async () => {
  const { store } = newStore();
  await addCase(store);
  const repos = ["a", "b"];
  const saved = await store.saveTriage(
    triageInput(1, { candidateRepos: repos }),
  );
  repos.push("from-input");
  (saved.candidateRepos as string[]).push("from-result");
  const got = await store.getTriage(1);
  assert.deepEqual(got?.candidateRepos, ["a", "b"]);
  (got?.candidateRepos as string[]).length = 0;
  assert.deepEqual((await store.getTriage(1))?.candidateRepos, ["a", "b"]);
});

// ---------------------------------------------------------------------------
// Symptoms

Deno.test("MemoryStore.createSymptom() fills the defaults", async () => {
  const { store } = newStore();
  assert.deepEqual(
    await store.createSymptom({ fingerprint: "f1", name: "TestFoo" }),
    {
      id: 1,
      fingerprint: "f1",
      name: "TestFoo",
      description: "",
      errorPattern: "",
      testNamePattern: "",
      component: "",
      severity: "",
      firstSeenAt: T0,
      lastSeenAt: T0,
      occurrenceCount: 1,
      status: "active",
    },
  );
  const zero = await store.createSymptom({
    fingerprint: "f2",
    name: "n",
    occurrenceCount: 0,
    status: "" as "active",
  });
  assert.equal(zero.occurrenceCount, 1);
  assert.equal(zero.status, "active");
  const given = await store.createSymptom({
    fingerprint: "f3",
    name: "n",
    description: "d",
    errorPattern: "e",
    testNamePattern: "t",
    component: "c",
    severity: "s",
    occurrenceCount: 5,
    status: "dormant",
  });
  assert.deepEqual(
    { ...given, id: 0 },
    {
      id: 0,
      fingerprint: "f3",
      name: "n",
      description: "d",
      errorPattern: "e",
      testNamePattern: "t",
      component: "c",
      severity: "s",
      firstSeenAt: T0,
      lastSeenAt: T0,
      occurrenceCount: 5,
      status: "dormant",
    },
  );
});

Deno.test("MemoryStore.createSymptom() refuses a duplicate fingerprint", async () => {
  const { store } = newStore();
  await store.createSymptom({ fingerprint: "0f1c6f82b1d1eb95", name: "a" });
  await rejectsWithStoreError(
    store.createSymptom({ fingerprint: "0f1c6f82b1d1eb95", name: "b" }),
    "Cannot create symptom with fingerprint '0f1c6f82b1d1eb95': symptom 1 has that fingerprint already; expected a new fingerprint",
  );
  assert.equal((await store.listSymptoms()).length, 1);
  assert.equal(
    (await store.createSymptom({ fingerprint: "x", name: "c" })).id,
    2,
  );
});

Deno.test("MemoryStore symptom getters return copies", async () => {
  const { store } = newStore();
  await store.createSymptom({ fingerprint: "f1", name: "a" });
  await store.createSymptom({ fingerprint: "f2", name: "b" });
  assert.equal((await store.getSymptom(2))?.name, "b");
  assert.equal(await store.getSymptom(3), undefined);
  assert.equal((await store.getSymptomByFingerprint("f1"))?.id, 1);
  assert.equal(await store.getSymptomByFingerprint("nope"), undefined);

  const got = await store.getSymptomByFingerprint("f1");
  (got as { occurrenceCount: number }).occurrenceCount = 99;
  const byId = await store.getSymptom(1);
  (byId as { name: string }).name = "changed";
  assert.equal((await store.getSymptom(1))?.occurrenceCount, 1);
  assert.equal((await store.getSymptom(1))?.name, "a");
});

Deno.test("MemoryStore.listSymptoms() returns copies sorted by id", async () => {
  const { store } = newStore();
  for (const name of ["c", "a", "b"]) {
    await store.createSymptom({ fingerprint: `f-${name}`, name });
  }
  const list = await store.listSymptoms();
  assert.deepEqual(list.map((s) => [s.id, s.name]), [[1, "c"], [2, "a"], [
    3,
    "b",
  ]]);
  (list[1] as { name: string }).name = "changed";
  list.reverse();
  assert.deepEqual((await store.listSymptoms()).map((s) => s.name), [
    "c",
    "a",
    "b",
  ]);
});

Deno.test("MemoryStore.findSymptomCandidates() matches names exactly", async () => {
  const { store } = newStore();
  await store.createSymptom({ fingerprint: "f1", name: "TestFoo" });
  await store.createSymptom({ fingerprint: "f2", name: "TestFooBar" });
  await store.createSymptom({ fingerprint: "f3", name: "testfoo" });
  await store.createSymptom({ fingerprint: "f4", name: "TestFoo" });
  await store.createSymptom({ fingerprint: "f5", name: "" });
  assert.deepEqual(
    (await store.findSymptomCandidates("TestFoo")).map((s) => s.id),
    [1, 4],
  );
  assert.deepEqual(await store.findSymptomCandidates("Test"), []);
  assert.deepEqual(await store.findSymptomCandidates(""), []);

  const [first] = await store.findSymptomCandidates("TestFoo");
  (first as { name: string }).name = "changed";
  assert.equal((await store.getSymptom(1))?.name, "TestFoo");
});

Deno.test("MemoryStore.updateSymptomSeen() counts, stamps and reactivates", async () => {
  const { store, clock } = newStore();
  await store.createSymptom({ fingerprint: "f1", name: "a" });
  await store.createSymptom({
    fingerprint: "f2",
    name: "b",
    status: "dormant",
    occurrenceCount: 4,
  });
  await store.createSymptom({
    fingerprint: "f3",
    name: "c",
    status: "resolved",
  });

  clock.set("2026-02-18T09:30:00Z");
  const seen = await store.updateSymptomSeen(1);
  assert.equal(seen.occurrenceCount, 2);
  assert.equal(seen.lastSeenAt, "2026-02-18T09:30:00Z");
  assert.equal(seen.firstSeenAt, T0);
  assert.equal(seen.status, "active");
  assert.deepEqual(await store.getSymptom(1), seen);

  const woken = await store.updateSymptomSeen(2);
  assert.equal(woken.occurrenceCount, 5);
  assert.equal(woken.status, "active");

  const resolved = await store.updateSymptomSeen(3);
  assert.equal(resolved.occurrenceCount, 2);
  assert.equal(resolved.status, "resolved");

  await rejectsWithStoreError(
    store.updateSymptomSeen(9),
    "Cannot mark symptom 9 seen: no symptom has id 9",
  );
});

Deno.test("MemoryStore.updateSymptom() patches only the given fields", async () => {
  const { store } = newStore();
  const created = await store.createSymptom({
    fingerprint: "f1",
    name: "a",
    component: "c0",
    description: "d0",
    severity: "s0",
  });
  const patched = await store.updateSymptom(1, { component: "ptp" });
  assert.deepEqual(patched, { ...created, component: "ptp" });
  const patched2 = await store.updateSymptom(1, {
    description: "d1",
    severity: "critical",
  });
  assert.deepEqual(patched2, {
    ...created,
    component: "ptp",
    description: "d1",
    severity: "critical",
  });
  assert.deepEqual(await store.updateSymptom(1, {}), patched2);
  // A patch sets empty strings too.
  assert.equal((await store.updateSymptom(1, { severity: "" })).severity, "");
  await rejectsWithStoreError(
    store.updateSymptom(2, { component: "x" }),
    "Cannot update symptom 2: no symptom has id 2",
  );
});

Deno.test("MemoryStore.markDormantSymptoms() marks active symptoms not seen for the given days", async () => {
  const { store, clock } = newStore("2026-02-01T10:00:00Z");
  await store.createSymptom({ fingerprint: "old", name: "a" }); // 1
  await store.createSymptom({
    fingerprint: "old-resolved",
    name: "b",
    status: "resolved",
  }); // 2
  await store.createSymptom({
    fingerprint: "old-dormant",
    name: "c",
    status: "dormant",
  }); // 3
  clock.set("2026-02-10T10:00:00Z");
  await store.createSymptom({ fingerprint: "exact", name: "d" }); // 4
  clock.set("2026-02-15T10:00:00Z");
  await store.createSymptom({ fingerprint: "recent", name: "e" }); // 5
  await store.createSymptom({ fingerprint: "seen-again", name: "f" }); // 6

  clock.set("2026-02-17T10:00:00Z");
  await store.updateSymptomSeen(6);
  // Cut-off 2026-02-10T10:00:00Z: strictly older symptoms go dormant.
  assert.equal(await store.markDormantSymptoms(7), 1);
  const statuses = (await store.listSymptoms()).map((s) => s.status);
  assert.deepEqual(statuses, [
    "dormant",
    "resolved",
    "dormant",
    "active",
    "active",
    "active",
  ]);

  // Running again changes nothing more.
  assert.equal(await store.markDormantSymptoms(7), 0);

  clock.advance(1000);
  assert.equal(await store.markDormantSymptoms(7), 1);
  assert.equal((await store.getSymptom(4))?.status, "dormant");

  assert.equal(await store.markDormantSymptoms(0), 2);
  assert.deepEqual((await store.listSymptoms()).map((s) => s.status), [
    "dormant",
    "resolved",
    "dormant",
    "dormant",
    "dormant",
    "dormant",
  ]);
});

Deno.test("MemoryStore.markDormantSymptoms() accepts fractional days", async () => {
  const { store, clock } = newStore("2026-02-17T00:00:00Z");
  await store.createSymptom({ fingerprint: "f", name: "a" });
  clock.advance(DAY / 2);
  assert.equal(await store.markDormantSymptoms(0.5), 0);
  clock.advance(1000);
  assert.equal(await store.markDormantSymptoms(0.5), 1);
});

Deno.test("MemoryStore.markDormantSymptoms() compares instants, not strings", async () => {
  // Years past 9999 are written "+010000-…", which sorts before "9999-…".
  const { store, clock } = newStore("9999-12-31T00:00:00Z");
  await store.createSymptom({ fingerprint: "before", name: "a" });
  clock.set("+010000-01-01T00:00:00Z");
  await store.createSymptom({ fingerprint: "after", name: "b" });
  assert.equal(
    (await store.getSymptom(2))?.lastSeenAt,
    "+010000-01-01T00:00:00Z",
  );
  clock.set("+010000-01-01T12:00:00Z");
  // Cut-off 9999-12-31T12:00:00Z: only the first symptom is older.
  assert.equal(await store.markDormantSymptoms(1), 1);
  assert.deepEqual((await store.listSymptoms()).map((s) => s.status), [
    "dormant",
    "active",
  ]);
});

Deno.test("MemoryStore.markDormantSymptoms() refuses negative or non-finite days", async () => {
  const { store } = newStore();
  await store.createSymptom({ fingerprint: "f", name: "a" });
  for (const days of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
    await assert.rejects(store.markDormantSymptoms(days), RangeError);
  }
  assert.equal((await store.getSymptom(1))?.status, "active");
});

Deno.test("MemoryStore.snapshotSymptoms() returns frozen copies sorted by id", async () => {
  const { store } = newStore();
  await store.createSymptom({ fingerprint: "f1", name: "a" });
  await store.createSymptom({ fingerprint: "f2", name: "b" });
  const snapshot = await store.snapshotSymptoms();
  assert.ok(Object.isFrozen(snapshot));
  assert.deepEqual(snapshot.map((s) => s.id), [1, 2]);
  for (const symptom of snapshot) assert.ok(Object.isFrozen(symptom));
  assert.throws(() => {
    (snapshot[0] as { name: string }).name = "changed";
  }, TypeError);
  assert.throws(() => {
    (snapshot as unknown[]).push({});
  }, TypeError);
  assert.deepEqual([...snapshot], await store.listSymptoms());
});

Deno.test("MemoryStore.snapshotSymptoms() does not see later writes", async () => {
  const { store, clock } = newStore();
  await store.createSymptom({ fingerprint: "f1", name: "a" });
  await store.createSymptom({
    fingerprint: "f2",
    name: "b",
    status: "dormant",
  });
  const snapshot = await store.snapshotSymptoms();
  const before = structuredClone(snapshot);

  clock.set("2026-03-30T10:00:00Z");
  await store.updateSymptomSeen(1);
  await store.updateSymptomSeen(2);
  await store.updateSymptom(1, { component: "ptp" });
  await store.createSymptom({ fingerprint: "f3", name: "c" });
  await store.markDormantSymptoms(0);

  assert.deepEqual(structuredClone(snapshot), before);
  assert.equal(snapshot.length, 2);
  assert.equal(snapshot[0].occurrenceCount, 1);
  assert.equal(snapshot[1].status, "dormant");
  // The store itself did change.
  assert.equal((await store.getSymptom(1))?.occurrenceCount, 2);
  assert.equal((await store.snapshotSymptoms()).length, 3);
});

Deno.test("MemoryStore snapshots are taken again only after their table changed, a rolled-back unit included", async () => {
  const { store } = newStore();
  await store.createSymptom({ fingerprint: "f1", name: "a" });
  await store.saveRca(rcaInput());
  const symptoms = await store.snapshotSymptoms();
  const rcas = await store.snapshotRcas();
  assert.equal(await store.snapshotSymptoms(), symptoms);
  assert.equal(await store.snapshotRcas(), rcas);
  // A write to another table leaves both as they were.
  await store.createVersion("4.21");
  assert.equal(await store.snapshotSymptoms(), symptoms);
  assert.equal(await store.snapshotRcas(), rcas);
  await store.updateRcaStatus(1, "resolved");
  const resolved = await store.snapshotRcas();
  assert.notEqual(resolved, rcas);
  assert.equal(rcas[0].status, "open");
  assert.equal(resolved[0].status, "resolved");
  await assert.rejects(
    store.transaction(async () => {
      await store.saveRca(rcaInput({ title: "rolled back" }));
      assert.equal((await store.snapshotRcas()).length, 2);
      throw new Error("undo");
    }),
    /undo/,
  );
  const after = await store.snapshotRcas();
  assert.deepEqual(after.map((rca) => rca.title), ["Holdover timeout"]);
  assert.deepEqual([...after], await store.listRcas());
  assert.equal(await store.snapshotSymptoms(), symptoms);
});

Deno.test("MemoryStore.snapshotCases() returns frozen cases by id, a new array after a case changed, and copies elsewhere", async () => {
  const { store } = newStore();
  await addCase(store, "a");
  await addCase(store, "b");
  const cases = await store.snapshotCases();
  assert.ok(Object.isFrozen(cases) && cases.every(Object.isFrozen));
  assert.deepEqual(cases.map((c) => c.name), ["a", "b"]);
  assert.equal(await store.snapshotCases(), cases);
  await store.updateCaseStatus(1, "closed");
  const after = await store.snapshotCases();
  assert.notEqual(after, cases);
  assert.equal(cases[0].status, "open");
  assert.equal(after[0].status, "closed");
  // What get and list return is still a copy the caller may change.
  const got = (await store.getCase(1))!;
  (got as { name: string }).name = "changed";
  assert.equal((await store.getCase(1))?.name, "a");
});

Deno.test("MemoryStore.snapshotRcas() returns frozen RCAs, their lists frozen too", async () => {
  const { store } = newStore();
  await store.saveRca(rcaInput({ affectedVersions: ["4.21"] }));
  const [rca] = await store.snapshotRcas();
  assert.ok(Object.isFrozen(rca) && Object.isFrozen(rca.affectedVersions));
  assert.throws(() => {
    (rca.affectedVersions as string[]).push("4.22");
  }, TypeError);
  assert.deepEqual((await store.getRca(1))?.affectedVersions, ["4.21"]);
});

// ---------------------------------------------------------------------------
// RCAs

Deno.test("MemoryStore.saveRca() creates an RCA with defaults", async () => {
  const { store } = newStore();
  assert.deepEqual(await store.saveRca(rcaInput()), {
    id: 1,
    title: "Holdover timeout",
    description: "The daemon drops holdover too early",
    defectType: "pb001",
    category: "",
    component: "",
    affectedVersions: [],
    evidenceRefs: [],
    convergenceScore: 0,
    jiraTicketId: "",
    status: "open",
    originCaseId: 0,
    createdAt: T0,
    resolvedAt: "",
    verifiedAt: "",
    archivedAt: "",
  });
  const full = await store.saveRca(rcaInput({
    category: "product",
    component: "linuxptp-daemon",
    affectedVersions: ["4.21"],
    evidenceRefs: ["log:1"],
    convergenceScore: 0.85,
    jiraTicketId: "OCPBUGS-1",
    status: "resolved",
    originCaseId: 3,
  }));
  assert.equal(full.id, 2);
  assert.equal(full.category, "product");
  assert.equal(full.component, "linuxptp-daemon");
  assert.deepEqual(full.affectedVersions, ["4.21"]);
  assert.deepEqual(full.evidenceRefs, ["log:1"]);
  assert.equal(full.convergenceScore, 0.85);
  assert.equal(full.jiraTicketId, "OCPBUGS-1");
  assert.equal(full.status, "resolved");
  assert.equal(full.originCaseId, 3);
  const emptyStatus = await store.saveRca(
    rcaInput({ status: "" as "open" }),
  );
  assert.equal(emptyStatus.status, "open");
});

Deno.test("MemoryStore.saveRca() replaces an existing RCA but keeps createdAt", async () => {
  const { store, clock } = newStore();
  await store.saveRca(rcaInput({
    component: "c",
    evidenceRefs: ["e1"],
    convergenceScore: 0.5,
  }));
  await store.saveRca(rcaInput({ title: "other" }));
  clock.set("2026-02-18T10:00:00Z");
  const replaced = await store.saveRca({
    id: 1,
    title: "New title",
    description: "New description",
    defectType: "au001",
  });
  assert.deepEqual(replaced, {
    id: 1,
    title: "New title",
    description: "New description",
    defectType: "au001",
    category: "",
    component: "",
    affectedVersions: [],
    evidenceRefs: [],
    convergenceScore: 0,
    jiraTicketId: "",
    status: "open",
    originCaseId: 0,
    createdAt: T0,
    resolvedAt: "",
    verifiedAt: "",
    archivedAt: "",
  });
  assert.deepEqual(await store.getRca(1), replaced);
  assert.equal((await store.getRca(2))?.title, "other");
  assert.equal((await store.listRcas()).length, 2);
});

Deno.test("MemoryStore.saveRca() ignores an id that names no RCA", async () => {
  const { store, clock } = newStore();
  await store.saveRca(rcaInput());
  clock.set("2026-02-18T10:00:00Z");
  const fresh = await store.saveRca(rcaInput({ id: 42, title: "t42" }));
  assert.equal(fresh.id, 2);
  assert.equal(fresh.createdAt, "2026-02-18T10:00:00Z");
  assert.equal(await store.getRca(42), undefined);
  assert.equal((await store.saveRca(rcaInput({ id: 0 }))).id, 3);
  assert.equal((await store.getRca(1))?.title, "Holdover timeout");
});

Deno.test("MemoryStore RCA getters return copies, arrays included", async () => {
  const { store } = newStore();
  const versions = ["4.21"];
  const saved = await store.saveRca(rcaInput({
    affectedVersions: versions,
    evidenceRefs: ["e1"],
  }));
  versions.push("from-input");
  (saved.evidenceRefs as string[]).push("from-result");
  (saved as { title: string }).title = "changed";

  const got = await store.getRca(1);
  assert.deepEqual(got?.affectedVersions, ["4.21"]);
  assert.deepEqual(got?.evidenceRefs, ["e1"]);
  assert.equal(got?.title, "Holdover timeout");
  (got?.affectedVersions as string[]).length = 0;

  const [listed] = await store.listRcas();
  (listed.evidenceRefs as string[]).push("from-list");
  const [byStatus] = await store.listRcasByStatus("open");
  (byStatus.affectedVersions as string[]).push("from-status-list");

  const again = await store.getRca(1);
  assert.deepEqual(again?.affectedVersions, ["4.21"]);
  assert.deepEqual(again?.evidenceRefs, ["e1"]);
  assert.equal(await store.getRca(2), undefined);
});

Deno.test("MemoryStore.listRcas() returns every saved RCA sorted by id", async () => {
  const { store } = newStore();
  await store.saveRca(rcaInput({ title: "a" }));
  await store.saveRca(rcaInput({ title: "b", status: "resolved" }));
  await store.saveRca(rcaInput({ title: "c" }));
  await store.saveRca(rcaInput({ id: 1, title: "a2" }));
  assert.deepEqual(
    (await store.listRcas()).map((r) => [r.id, r.title]),
    [[1, "a2"], [2, "b"], [3, "c"]],
  );
});

Deno.test("MemoryStore.listRcasByStatus() filters by status, sorted by id", async () => {
  const { store } = newStore();
  await store.saveRca(rcaInput({ title: "a" }));
  await store.saveRca(rcaInput({ title: "b", status: "resolved" }));
  await store.saveRca(rcaInput({ title: "c" }));
  await store.saveRca(rcaInput({ title: "d", status: "archived" }));
  assert.deepEqual(
    (await store.listRcasByStatus("open")).map((r) => r.id),
    [1, 3],
  );
  assert.deepEqual(
    (await store.listRcasByStatus("resolved")).map((r) => r.id),
    [2],
  );
  assert.deepEqual(await store.listRcasByStatus("verified"), []);
  await store.updateRcaStatus(3, "verified");
  assert.deepEqual(
    (await store.listRcasByStatus("open")).map((r) => r.id),
    [1],
  );
});

Deno.test("MemoryStore.updateRcaStatus() stamps and clears the status times", async () => {
  const { store, clock } = newStore();
  await store.saveRca(rcaInput());

  clock.set("2026-02-18T10:00:00Z");
  const resolved = await store.updateRcaStatus(1, "resolved");
  assert.equal(resolved.status, "resolved");
  assert.equal(resolved.resolvedAt, "2026-02-18T10:00:00Z");
  assert.equal(resolved.verifiedAt, "");
  assert.equal(resolved.archivedAt, "");

  clock.set("2026-02-19T10:00:00Z");
  const verified = await store.updateRcaStatus(1, "verified");
  assert.equal(verified.status, "verified");
  assert.equal(verified.resolvedAt, "2026-02-18T10:00:00Z");
  assert.equal(verified.verifiedAt, "2026-02-19T10:00:00Z");

  clock.set("2026-02-20T10:00:00Z");
  const archived = await store.updateRcaStatus(1, "archived");
  assert.equal(archived.status, "archived");
  assert.equal(archived.archivedAt, "2026-02-20T10:00:00Z");
  assert.equal(archived.verifiedAt, "2026-02-19T10:00:00Z");

  clock.set("2026-02-21T10:00:00Z");
  const reopened = await store.updateRcaStatus(1, "open");
  assert.equal(reopened.status, "open");
  assert.equal(reopened.resolvedAt, "");
  assert.equal(reopened.verifiedAt, "");
  assert.equal(reopened.archivedAt, "2026-02-20T10:00:00Z");
  assert.equal(reopened.createdAt, T0);
  assert.deepEqual(await store.getRca(1), reopened);

  await rejectsWithStoreError(
    store.updateRcaStatus(2, "resolved"),
    "Cannot set the status of RCA 2 to 'resolved': no RCA has id 2",
  );
});

// ---------------------------------------------------------------------------
// Symptom–RCA links

Deno.test("MemoryStore.linkSymptomToRca() links known pairs once", async () => {
  const { store, clock } = newStore();
  await store.createSymptom({ fingerprint: "f1", name: "a" });
  await store.createSymptom({ fingerprint: "f2", name: "b" });
  await store.saveRca(rcaInput());
  await store.saveRca(rcaInput());

  clock.set("2026-02-18T10:00:00Z");
  assert.deepEqual(
    await store.linkSymptomToRca({
      symptomId: 1,
      rcaId: 2,
      confidence: 0.9,
      notes: "linked from F3 investigation",
    }),
    {
      id: 1,
      symptomId: 1,
      rcaId: 2,
      confidence: 0.9,
      notes: "linked from F3 investigation",
      linkedAt: "2026-02-18T10:00:00Z",
    },
  );
  await rejectsWithStoreError(
    store.linkSymptomToRca({
      symptomId: 1,
      rcaId: 2,
      confidence: 1,
      notes: "",
    }),
    "Cannot link symptom 1 to RCA 2: link 1 joins them already; expected an unlinked pair",
  );
  await rejectsWithStoreError(
    store.linkSymptomToRca({
      symptomId: 3,
      rcaId: 1,
      confidence: 1,
      notes: "",
    }),
    "Cannot link symptom 3 to RCA 1: no symptom has id 3",
  );
  await rejectsWithStoreError(
    store.linkSymptomToRca({
      symptomId: 1,
      rcaId: 3,
      confidence: 1,
      notes: "",
    }),
    "Cannot link symptom 1 to RCA 3: no RCA has id 3",
  );
  // Other pairs are fine, and refused links used up no id.
  assert.equal(
    (await store.linkSymptomToRca({
      symptomId: 1,
      rcaId: 1,
      confidence: 1,
      notes: "",
    })).id,
    2,
  );
  assert.equal(
    (await store.linkSymptomToRca({
      symptomId: 2,
      rcaId: 2,
      confidence: 1,
      notes: "",
    })).id,
    3,
  );
});

Deno.test("MemoryStore link queries return copies sorted by id", async () => {
  const { store } = newStore();
  for (const fp of ["f1", "f2", "f3"]) {
    await store.createSymptom({ fingerprint: fp, name: fp });
  }
  for (let i = 0; i < 3; i++) await store.saveRca(rcaInput());
  const link = (symptomId: number, rcaId: number) =>
    store.linkSymptomToRca({ symptomId, rcaId, confidence: 0.5, notes: "" });
  await link(1, 3); // 1
  await link(2, 1); // 2
  await link(1, 1); // 3
  await link(3, 1); // 4
  await link(1, 2); // 5

  assert.deepEqual(
    (await store.getRcasForSymptom(1)).map((l) => [l.id, l.rcaId]),
    [[1, 3], [3, 1], [5, 2]],
  );
  assert.deepEqual(
    (await store.getSymptomsForRca(1)).map((l) => [l.id, l.symptomId]),
    [[2, 2], [3, 1], [4, 3]],
  );
  assert.deepEqual(await store.getRcasForSymptom(9), []);
  assert.deepEqual(await store.getSymptomsForRca(9), []);

  const [first] = await store.getRcasForSymptom(1);
  (first as { notes: string }).notes = "changed";
  const [second] = await store.getSymptomsForRca(1);
  (second as { confidence: number }).confidence = 0;
  assert.equal((await store.getRcasForSymptom(1))[0].notes, "");
  assert.equal((await store.getSymptomsForRca(1))[0].confidence, 0.5);
});

// ---------------------------------------------------------------------------
// Pending references

Deno.test("MemoryStore pending references are added, listed and removed", async () => {
  const { store, clock } = newStore();
  await addCase(store, "a");
  await addCase(store, "b");
  await addCase(store, "c");

  clock.set("2026-02-18T10:00:00Z");
  assert.deepEqual(
    await store.addPendingReference({
      caseId: 2,
      targetCaseId: 1,
      kind: "recall",
      confidence: 0.9,
    }),
    {
      id: 1,
      caseId: 2,
      targetCaseId: 1,
      kind: "recall",
      confidence: 0.9,
      createdAt: "2026-02-18T10:00:00Z",
    },
  );
  await store.addPendingReference({
    caseId: 3,
    targetCaseId: 1,
    kind: "correlate",
    confidence: 0.85,
  });
  await store.addPendingReference({
    caseId: 3,
    targetCaseId: 2,
    kind: "correlate",
    confidence: 0.8,
  });
  assert.deepEqual(
    (await store.listPendingReferences()).map((r) => r.id),
    [1, 2, 3],
  );

  await store.removePendingReference(2);
  const list = await store.listPendingReferences();
  assert.deepEqual(list.map((r) => r.id), [1, 3]);
  (list[0] as { confidence: number }).confidence = 0;
  list.length = 0;
  assert.deepEqual(
    (await store.listPendingReferences()).map((r) => [r.id, r.confidence]),
    [[1, 0.9], [3, 0.8]],
  );

  // Ids are not reused after a removal.
  assert.equal(
    (await store.addPendingReference({
      caseId: 2,
      targetCaseId: 3,
      kind: "recall",
      confidence: 1,
    })).id,
    4,
  );
});

Deno.test("MemoryStore.addPendingReference() refuses unknown cases", async () => {
  const { store } = newStore();
  await addCase(store);
  await rejectsWithStoreError(
    store.addPendingReference({
      caseId: 5,
      targetCaseId: 1,
      kind: "recall",
      confidence: 1,
    }),
    "Cannot add a pending reference from case 5 to case 1: no case has id 5",
  );
  await rejectsWithStoreError(
    store.addPendingReference({
      caseId: 1,
      targetCaseId: 6,
      kind: "correlate",
      confidence: 1,
    }),
    "Cannot add a pending reference from case 1 to case 6: no case has id 6",
  );
  assert.deepEqual(await store.listPendingReferences(), []);
});

Deno.test("MemoryStore.removePendingReference() refuses an unknown id", async () => {
  const { store } = newStore();
  await addCase(store);
  await store.addPendingReference({
    caseId: 1,
    targetCaseId: 1,
    kind: "recall",
    confidence: 1,
  });
  await rejectsWithStoreError(
    store.removePendingReference(2),
    "Cannot remove pending reference 2: no pending reference has id 2",
  );
  await store.removePendingReference(1);
  await rejectsWithStoreError(
    store.removePendingReference(1),
    "Cannot remove pending reference 1: no pending reference has id 1",
  );
  assert.deepEqual(await store.listPendingReferences(), []);
});

Deno.test("MemoryStore snapshots patched after writes equal the rows listed, through random writes, rolled-back units and direct rewrites", async () => {
  const { store, clock } = newStore();
  let seed = 5;
  const next = (n: number) =>
    Math.floor((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 * n);
  let patterns = 0;
  for (let step = 0; step < 400; step++) {
    const choice = next(8);
    const cases = await store.listCases();
    const symptoms = await store.listSymptoms();
    const rcas = await store.listRcas();
    if (choice === 0 || cases.length === 0) await addCase(store, `c${step}`);
    else if (choice === 1 || symptoms.length === 0) {
      await store.createSymptom({ fingerprint: `f${patterns++}`, name: "s" });
    } else if (choice === 2) {
      await store.updateSymptomSeen(symptoms[next(symptoms.length)].id);
    } else if (choice === 3 || rcas.length === 0) {
      await store.saveRca(rcaInput({ title: `r${step}` }));
    } else if (choice === 4) {
      await store.linkCaseToRca(
        cases[next(cases.length)].id,
        rcas[next(rcas.length)].id,
      );
    } else if (choice === 5) {
      await store.transaction(async () => {
        await store.saveRca(rcaInput({ title: "undone" }));
        await store.updateCaseStatus(cases[next(cases.length)].id, "closed");
        throw new Error("undo");
      }).catch(() => {});
    } else if (choice === 6) {
      // Symptoms not seen for a day become dormant: rewritten directly,
      // not through the helpers that note writes for the patch.
      clock.advance(86_400_000 + 1000);
      await store.markDormantSymptoms(1);
      await store.updateSymptomSeen(symptoms[next(symptoms.length)].id);
    } else await store.updateRcaStatus(rcas[next(rcas.length)].id, "resolved");
    if (next(3) === 0) continue; // several writes between some snapshots
    assert.deepEqual([...await store.snapshotCases()], await store.listCases());
    assert.deepEqual(
      [...await store.snapshotSymptoms()],
      await store.listSymptoms(),
    );
    assert.deepEqual([...await store.snapshotRcas()], await store.listRcas());
  }
});

Deno.test("MemoryStore hands rows of an unkept table to onCommit without keeping them", async () => {
  const committed: unknown[] = [];
  const store = new MemoryStore({
    now: fakeClock().now,
    unkept: ["artifacts"],
    onCommit: (changes) =>
      changes.tables.forEach((table, i) => {
        if (table === "artifacts") committed.push(changes.values[i]);
      }),
  });
  const add = (caseId: number) =>
    store.addArtifact({
      caseId,
      step: "F0_RECALL",
      attempt: 0,
      raw: "{}",
      normalised: {},
    });
  const first = await store.transaction(() => add(1));
  assert.deepEqual(committed, [first]);
  assert.deepEqual(await store.listArtifacts(), [], "committed rows go");
  await assert.rejects(
    store.transaction(async () => {
      const second = await add(2);
      assert.deepEqual(await store.listArtifacts(), [second]);
      throw new Error("roll back");
    }),
    /roll back/,
  );
  assert.deepEqual(committed, [first], "a rolled-back unit commits nothing");
  assert.deepEqual(await store.listArtifacts(), []);
});
