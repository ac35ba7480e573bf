import assert from "node:assert/strict";
import { MemoryStore } from "../store/memory_store.ts";
import type { Store } from "../store/store.ts";
import {
  type BriefingInput,
  generateBriefing,
  MAX_ERROR_PATTERNS,
  MAX_IDS_PER_CELL,
  MAX_LISTED_ROWS,
} from "./generate_briefing.ts";

const T0 = "2026-02-17T10:00:00Z";

function newStore(at: string = T0): MemoryStore {
  return new MemoryStore({ now: () => new Date(at) });
}

function input(
  store: Store,
  overrides: Partial<BriefingInput> = {},
): BriefingInput {
  return {
    store,
    scenario: "ptp-mock",
    suiteId: 1,
    phase: "triage",
    batchId: 3,
    batchSize: 4,
    totalCases: 12,
    completedCases: 5,
    ...overrides,
  };
}

async function addCase(
  store: Store,
  name: string,
  errorMessage = "",
): Promise<number> {
  return (await store.createCase({ jobId: 1, launchId: 1, name, errorMessage }))
    .id;
}

/** The `## ` headings of a briefing, in order. */
function headings(briefing: string): string[] {
  return briefing.split("\n").filter((line) => line.startsWith("## "));
}

/** The body of section `## {name}`, up to the next heading. */
function section(briefing: string, name: string): string {
  const start = briefing.indexOf(`\n## ${name}\n`);
  assert.notEqual(start, -1, `missing section ${name}:\n${briefing}`);
  const body = briefing.slice(start + name.length + 5);
  const end = body.indexOf("\n## ");
  return end === -1 ? body : body.slice(0, end);
}

/** The data rows of the first table in `text`, cells unescaped and trimmed. */
function tableRows(text: string): string[][] {
  const lines = text.split("\n").filter((line) => line.startsWith("|"));
  return lines.slice(2).map((line) =>
    line.slice(1, -1).split(/(?<!\\) \| /).map((c) =>
      c.trim().replaceAll("\\|", "|")
    )
  );
}

const EMPTY_BRIEFING = `# Calibration briefing — batch 3

## Run context

- Scenario: ptp-mock
- Suite: #1
- Phase: triage
- Signals in this batch: 4
- Cases in the run: 12
- Completed so far: 5 of 12

## How to use this briefing

Read your own signal and prompt first: they define your task. Use this briefing for
run-wide context only (recurring symptoms, components, prior RCAs) and do not copy its
conclusions without checking them against your case's evidence. All \`#n\` ids are store ids.
`;

Deno.test("generateBriefing() gives only run context and closing for an empty store", async () => {
  const briefing = await generateBriefing(input(newStore()));
  assert.equal(briefing, EMPTY_BRIEFING);
  assert.ok(!briefing.includes("|"), "no table in an empty briefing");
});

Deno.test("generateBriefing() omits clusters given as an empty list", async () => {
  const briefing = await generateBriefing(
    input(newStore(), { phase: "investigation", clusters: [] }),
  );
  assert.deepEqual(headings(briefing), [
    "## Run context",
    "## How to use this briefing",
  ]);
  assert.ok(briefing.includes("- Phase: investigation\n"));
});

Deno.test("generateBriefing() omits error patterns when every message is empty", async () => {
  const store = newStore();
  await addCase(store, "OCP-1", "");
  await addCase(store, "OCP-2", "  \n ");
  const briefing = await generateBriefing(input(store));
  assert.deepEqual(headings(briefing), [
    "## Run context",
    "## How to use this briefing",
  ]);
});

Deno.test("generateBriefing() lists known symptoms in the triage phase", async () => {
  const store = newStore();
  const c1 = await addCase(store, "OCP-1 holdover", "ptp4l FREERUN");
  const holdover = await store.createSymptom({
    fingerprint: "f-holdover",
    name: "OCP-1 holdover",
    component: "linuxptp-daemon",
  });
  await store.linkCaseToSymptom(c1, holdover.id);
  await store.updateSymptomSeen(holdover.id);
  const ntp = await store.createSymptom({
    fingerprint: "f-ntp",
    name: "OCP-2 ntp",
    status: "dormant",
  });

  const briefing = await generateBriefing(input(store));

  assert.deepEqual(headings(briefing), [
    "## Run context",
    "## Known symptoms",
    "## Common error patterns",
    "## How to use this briefing",
  ]);
  assert.deepEqual(tableRows(section(briefing, "Known symptoms")), [
    [
      `#${holdover.id}`,
      "OCP-1 holdover",
      "active",
      "2",
      "linuxptp-daemon",
      "—",
    ],
    [`#${ntp.id}`, "OCP-2 ntp", "dormant", "1", "—", "—"],
  ]);
  assert.ok(
    section(briefing, "Known symptoms").includes(
      "| Symptom | Name | Status | Occurrences | Component | Linked RCAs |",
    ),
  );
});

Deno.test("generateBriefing() reads symptoms through snapshotSymptoms()", async () => {
  const store = newStore();
  await store.createSymptom({ fingerprint: "f", name: "OCP-1" });
  let snapshots = 0;
  const spy = new Proxy(store, {
    get(target, property) {
      if (property === "snapshotSymptoms") {
        return () => {
          snapshots++;
          return target.snapshotSymptoms();
        };
      }
      if (property === "listSymptoms") {
        return () => {
          throw new Error("expected snapshotSymptoms(), not listSymptoms()");
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const briefing = await generateBriefing(input(spy));
  assert.equal(snapshots, 1);
  assert.ok(briefing.includes("| #1 | OCP-1 |"));
});

Deno.test("generateBriefing() lists cluster assignments in the investigation phase", async () => {
  const briefing = await generateBriefing(input(newStore(), {
    phase: "investigation",
    clusters: [
      {
        key: "product|linuxptp-daemon",
        representative: "C2 (case #2)",
        members: ["C2 (case #2)", "C5 (case #5)", "C7 (case #7)"],
      },
      {
        key: "infra|chronyd",
        representative: "C4 (case #4)",
        members: ["C4 (case #4)"],
      },
    ],
  }));
  assert.deepEqual(headings(briefing), [
    "## Run context",
    "## Cluster assignments",
    "## How to use this briefing",
  ]);
  assert.deepEqual(tableRows(section(briefing, "Cluster assignments")), [
    [
      "K1",
      "C2 (case #2)",
      "C2 (case #2), C5 (case #5), C7 (case #7)",
      "product|linuxptp-daemon",
    ],
    ["K2", "C4 (case #4)", "C4 (case #4)", "infra|chronyd"],
  ]);
  assert.ok(briefing.includes("| product\\|linuxptp-daemon |"));
});

Deno.test("generateBriefing() lists prior RCAs with their cases and leaves archived ones out", async () => {
  const store = newStore();
  const c1 = await addCase(store, "OCP-1");
  const c2 = await addCase(store, "OCP-2");
  const c3 = await addCase(store, "OCP-3");
  const live = await store.saveRca({
    title: "Holdover expires early",
    description: "d",
    defectType: "pb001",
    component: "linuxptp-daemon",
  });
  const duplicate = await store.saveRca({
    title: "Duplicate of holdover",
    description: "d",
    defectType: "pb001",
    component: "cloud-event-proxy",
  });
  const resolved = await store.saveRca({
    title: "Stale PtpConfig",
    description: "d",
    defectType: "ab001",
    component: "",
    status: "resolved",
  });
  await store.updateRcaStatus(duplicate.id, "archived");
  await store.linkCaseToRca(c3, live.id);
  await store.linkCaseToRca(c1, live.id);
  await store.linkCaseToRca(c2, duplicate.id);

  const briefing = await generateBriefing(input(store));

  assert.deepEqual(tableRows(section(briefing, "Prior RCAs")), [
    [
      `RCA #${live.id}`,
      "pb001",
      "linuxptp-daemon",
      "open",
      "Holdover expires early",
      `#${c1}, #${c3}`,
    ],
    [`RCA #${resolved.id}`, "ab001", "—", "resolved", "Stale PtpConfig", "—"],
  ]);
  assert.ok(!briefing.includes(`RCA #${duplicate.id}`));
  assert.ok(!briefing.includes("Duplicate of holdover"));
});

Deno.test("generateBriefing() omits prior RCAs when every RCA is archived", async () => {
  const store = newStore();
  const rca = await store.saveRca({
    title: "t",
    description: "d",
    defectType: "pb001",
    status: "archived",
  });
  const briefing = await generateBriefing(input(store));
  assert.ok(!briefing.includes("## Prior RCAs"));
  assert.ok(!briefing.includes(`RCA #${rca.id}`));
});

Deno.test("generateBriefing() takes a symptom's component from its linked RCAs when it has none", async () => {
  const store = newStore();
  const c1 = await addCase(store, "OCP-1");
  const c2 = await addCase(store, "OCP-2");
  // After triage: symptoms carry no component.
  const viaLink = await store.createSymptom({ fingerprint: "a", name: "A" });
  const viaCase = await store.createSymptom({ fingerprint: "b", name: "B" });
  const own = await store.createSymptom({
    fingerprint: "c",
    name: "C",
    component: "ptp-operator",
  });
  const archivedOnly = await store.createSymptom({
    fingerprint: "d",
    name: "D",
  });
  const daemon = await store.saveRca({
    title: "t1",
    description: "d",
    defectType: "pb001",
    component: "linuxptp-daemon",
  });
  const proxy = await store.saveRca({
    title: "t2",
    description: "d",
    defectType: "pb001",
    component: "cloud-event-proxy",
  });
  const archived = await store.saveRca({
    title: "t3",
    description: "d",
    defectType: "pb001",
    component: "old-component",
    status: "archived",
  });
  const link = { confidence: 0.9, notes: "" };
  await store.linkSymptomToRca({
    ...link,
    symptomId: viaLink.id,
    rcaId: proxy.id,
  });
  await store.linkSymptomToRca({
    ...link,
    symptomId: viaLink.id,
    rcaId: daemon.id,
  });
  await store.linkSymptomToRca({
    ...link,
    symptomId: own.id,
    rcaId: daemon.id,
  });
  await store.linkSymptomToRca({
    ...link,
    symptomId: archivedOnly.id,
    rcaId: archived.id,
  });
  // Symptom B has no link row, only a case carrying it with an RCA.
  await store.linkCaseToSymptom(c1, viaCase.id);
  await store.linkCaseToRca(c1, proxy.id);
  await store.linkCaseToSymptom(c2, archivedOnly.id);
  await store.linkCaseToRca(c2, archived.id);

  const briefing = await generateBriefing(input(store));
  const rows = tableRows(section(briefing, "Known symptoms"));

  assert.deepEqual(rows.map((row) => [row[1], row[4], row[5]]), [
    [
      "A",
      "cloud-event-proxy, linuxptp-daemon",
      `RCA #${daemon.id}, RCA #${proxy.id}`,
    ],
    ["B", "cloud-event-proxy", `RCA #${proxy.id}`],
    ["C", "ptp-operator", `RCA #${daemon.id}`],
    ["D", "—", "—"],
  ]);
});

Deno.test("generateBriefing() groups recurring error messages with their components", async () => {
  const store = newStore();
  const freerun = (nic: string, pid: number, seconds: number) =>
    `[FAILED] ptp4l on ${nic} (pid ${pid}): clock state FREERUN after ${seconds}s without grandmaster`;
  const c1 = await addCase(store, "OCP-1", freerun("ens2f0", 41872, 61));
  const c2 = await addCase(
    store,
    "OCP-2",
    "[FAILED] openshift-ptp holds 3 PtpConfig objects, expected 1",
  );
  const c3 = await addCase(store, "OCP-3", freerun("ens1f1", 27619, 60));
  const c4 = await addCase(store, "OCP-4", "");
  const c5 = await addCase(store, "OCP-5", freerun("ens3f0", 60127, 61));
  const c6 = await addCase(
    store,
    "OCP-6",
    "[FAILED] openshift-ptp holds 2 PtpConfig objects, expected 0",
  );
  const c7 = await addCase(store, "OCP-7", "chronyd: 0/2 sources reachable");

  const symptom = await store.createSymptom({
    fingerprint: "f",
    name: "holdover",
    component: "ptp-operator",
  });
  await store.linkCaseToSymptom(c3, symptom.id);
  const daemon = await store.saveRca({
    title: "t",
    description: "d",
    defectType: "pb001",
    component: "linuxptp-daemon",
  });
  const archived = await store.saveRca({
    title: "t",
    description: "d",
    defectType: "pb001",
    component: "archived-component",
    status: "archived",
  });
  await store.linkCaseToRca(c1, daemon.id);
  await store.linkCaseToRca(c5, daemon.id);
  await store.linkCaseToRca(c6, archived.id);

  const briefing = await generateBriefing(input(store));
  const body = section(briefing, "Common error patterns");

  assert.deepEqual(tableRows(body), [
    [
      "`[FAILED] ptp4l on <nic> (pid <n>): clock state FREERUN after <n>s without grandmaster`",
      "3",
      `#${c1}, #${c3}, #${c5}`,
      "linuxptp-daemon, ptp-operator",
    ],
    [
      "`[FAILED] openshift-ptp holds <n> PtpConfig objects, expected <n>`",
      "2",
      `#${c2}, #${c6}`,
      "—",
    ],
    ["`chronyd: <n>/<n> sources reachable`", "1", `#${c7}`, "—"],
  ]);
  assert.ok(body.includes("Recurring (2+ cases): 2 of 3 signatures"));
  assert.ok(!body.includes(`#${c4}`), "empty messages are skipped");
  assert.ok(!body.includes("archived-component"));
});

Deno.test("generateBriefing() orders equal counts by signature and says when none recur", async () => {
  const store = newStore();
  await addCase(store, "OCP-1", "zeta failed");
  await addCase(store, "OCP-2", "alpha failed");
  await addCase(store, "OCP-3", "mid failed");
  const body = section(
    await generateBriefing(input(store)),
    "Common error patterns",
  );
  assert.deepEqual(tableRows(body).map((row) => row[0]), [
    "`alpha failed`",
    "`mid failed`",
    "`zeta failed`",
  ]);
  assert.ok(body.includes("No signature recurs yet"));
});

Deno.test("generateBriefing() shows at most ten error patterns", async () => {
  const store = newStore();
  const words = "abcdefghijklmnopqrstuvwxyz".split("");
  for (const word of words.slice(0, MAX_ERROR_PATTERNS + 2)) {
    await addCase(store, `case-${word}`, `failure ${word}`);
  }
  await addCase(store, "repeat", "failure z");
  await addCase(store, "repeat", "failure z");
  const body = section(
    await generateBriefing(input(store)),
    "Common error patterns",
  );
  const rows = tableRows(body);
  assert.equal(MAX_ERROR_PATTERNS, 10);
  assert.equal(rows.length, MAX_ERROR_PATTERNS);
  assert.deepEqual(rows[0], ["`failure z`", "2", "#13, #14", "—"]);
  assert.equal(rows[1][0], "`failure a`");
  assert.equal(rows[9][0], "`failure i`");
  assert.ok(body.includes("3 more signatures not shown."));
});

Deno.test("generateBriefing() escapes pipes and newlines in table cells", async () => {
  const store = newStore();
  const c1 = await addCase(store, "case", "left | right\nsecond line");
  await store.createSymptom({
    fingerprint: "f",
    name: "name | with pipe\nand newline",
  });
  const rca = await store.saveRca({
    title: "title | piped\r\nover lines",
    description: "d",
    defectType: "pb001",
    component: "comp|onent",
  });
  await store.linkCaseToRca(c1, rca.id);

  const briefing = await generateBriefing(input(store, {
    scenario: "multi\nline",
    clusters: [{
      key: "a|b",
      representative: "C1\n(case #1)",
      members: ["x|y"],
    }],
  }));

  assert.ok(briefing.includes("- Scenario: multi line\n"));
  assert.ok(briefing.includes("| name \\| with pipe and newline |"));
  assert.ok(briefing.includes("| title \\| piped over lines |"));
  assert.ok(briefing.includes("| comp\\|onent |"));
  assert.ok(briefing.includes("| K1 | C1 (case #1) | x\\|y | a\\|b |"));
  assert.ok(briefing.includes("| `left \\| right second line` |"));
  // Every table line has as many unescaped separators as its header.
  for (const text of briefing.split("\n## ")) {
    const lines = text.split("\n").filter((line) => line.startsWith("|"));
    const widths = new Set(
      lines.map((line) => line.split(/(?<!\\)\|/).length),
    );
    assert.ok(widths.size <= 1, `ragged table:\n${lines.join("\n")}`);
  }
});

Deno.test("generateBriefing() is deterministic and free of timestamps", async () => {
  async function build(at: string): Promise<MemoryStore> {
    const store = newStore(at);
    const c1 = await addCase(store, "OCP-1", "ptp4l[1.2]: port 1: FREERUN");
    const c2 = await addCase(store, "OCP-2", "ptp4l[3.4]: port 2: FREERUN");
    const s = await store.createSymptom({ fingerprint: "f", name: "s" });
    await store.linkCaseToSymptom(c1, s.id);
    await store.linkCaseToSymptom(c2, s.id);
    const rca = await store.saveRca({
      title: "t",
      description: "d",
      defectType: "pb001",
      component: "linuxptp-daemon",
    });
    await store.linkSymptomToRca({
      symptomId: s.id,
      rcaId: rca.id,
      confidence: 1,
      notes: "",
    });
    await store.linkCaseToRca(c2, rca.id);
    return store;
  }
  const clusters = [{ key: "k", representative: "C1", members: ["C1", "C2"] }];
  const first = await build("2026-02-17T10:00:00Z");
  const a = await generateBriefing(input(first, { clusters }));
  const b = await generateBriefing(input(first, { clusters }));
  const c = await generateBriefing(
    input(await build("2030-01-01T00:00:00Z"), { clusters }),
  );
  assert.equal(a, b);
  assert.equal(a, c);
  assert.ok(!/\d{4}-\d{2}-\d{2}/.test(a), "no dates in the briefing");
  assert.deepEqual(headings(a), [
    "## Run context",
    "## Known symptoms",
    "## Cluster assignments",
    "## Prior RCAs",
    "## Common error patterns",
    "## How to use this briefing",
  ]);
  assert.ok(a.endsWith("store ids.\n"));
});

Deno.test("generateBriefing() rejects invalid counts", async () => {
  const store = newStore();
  for (
    const [overrides, message] of [
      [{ batchId: -1 }, /batchId is -1/],
      [{ batchSize: 1.5 }, /batchSize is 1.5/],
      [{ suiteId: Number.NaN }, /suiteId is NaN/],
      [{ totalCases: -2 }, /totalCases is -2/],
      [{ completedCases: 13 }, /completedCases is 13; expected at most/],
    ] as const
  ) {
    await assert.rejects(
      generateBriefing(input(store, overrides)),
      (error: unknown) => {
        assert.ok(error instanceof RangeError);
        assert.match(error.message, message);
        return true;
      },
    );
  }
});

Deno.test("generateBriefing() lists the cases in flight with their error signatures", async () => {
  const store = newStore();
  const briefing = await generateBriefing(input(store, {
    inFlight: [
      {
        storeCaseId: 7,
        step: "F1",
        testName: "OCP-2 | pipes",
        errorMessage: "ptp4l on ens2f0 (pid 41873): FREERUN after 62s",
      },
      {
        storeCaseId: 3,
        step: "F0",
        testName: "OCP-1",
        errorMessage: "ptp4l on ens2f0 (pid 41872): FREERUN after 61s",
      },
      { storeCaseId: 9, step: "F0", testName: "OCP-9", errorMessage: "" },
    ],
  }));
  assert.deepEqual(headings(briefing), [
    "## Run context",
    "## Cases in flight",
    "## How to use this briefing",
  ]);
  const body = section(briefing, "Cases in flight");
  assert.match(body, /2 cases share an error signature with another/);
  assert.deepEqual(tableRows(body), [
    ["#3", "F0", "OCP-1", "`ptp4l on <nic> (pid <n>): FREERUN after <n>s`"],
    [
      "#7",
      "F1",
      "OCP-2 | pipes",
      "`ptp4l on <nic> (pid <n>): FREERUN after <n>s`",
    ],
    ["#9", "F0", "OCP-9", "—"],
  ]);
  const alone = await generateBriefing(input(store, {
    inFlight: [{
      storeCaseId: 1,
      step: "F0",
      testName: "T",
      errorMessage: "x",
    }],
  }));
  assert.match(
    section(alone, "Cases in flight"),
    /No two of them share an error signature/,
  );
});

Deno.test("generateBriefing() lists at most MAX_LISTED_ROWS symptoms, clusters and RCAs: the most seen and most linked", async () => {
  const store = newStore();
  const extra = 3;
  const count = MAX_LISTED_ROWS + extra;
  for (let i = 1; i <= count; i++) {
    const symptom = await store.createSymptom({
      fingerprint: `f-${i}`,
      name: `OCP-${i}`,
    });
    // The last symptoms are seen most often: they make the cut.
    if (i > count - 2) await store.updateSymptomSeen(symptom.id);
    await store.saveRca({
      title: `RCA ${i}`,
      description: "d",
      defectType: "pb001",
      component: "",
    });
  }
  // The last RCA has the most cases.
  for (const name of ["a", "b"]) {
    await store.linkCaseToRca(await addCase(store, name), count);
  }
  const clusters = Array.from({ length: count }, (_, i) => ({
    key: `k${i}`,
    representative: `C${i}`,
    members: [`C${i}`],
  }));
  const briefing = await generateBriefing(
    input(store, { phase: "investigation", clusters }),
  );
  assert.equal(MAX_LISTED_ROWS, 50);

  const symptoms = section(briefing, "Known symptoms");
  const symptomIds = tableRows(symptoms).map((row) => row[0]);
  assert.equal(symptomIds.length, MAX_LISTED_ROWS);
  assert.deepEqual(symptomIds.slice(0, 2), ["#1", "#2"], "sorted by id");
  assert.deepEqual(symptomIds.slice(-3), ["#48", "#52", "#53"]);
  assert.ok(
    symptoms.includes(
      "3 more symptoms not shown (the 50 with the most occurrences are listed).",
    ),
  );

  const rcas = section(briefing, "Prior RCAs");
  const rcaIds = tableRows(rcas).map((row) => row[0]);
  assert.equal(rcaIds.length, MAX_LISTED_ROWS);
  assert.deepEqual(rcaIds.slice(-2), ["RCA #49", "RCA #53"]);
  assert.deepEqual(tableRows(rcas).at(-1)!.at(-1), "#1, #2");
  assert.ok(rcas.includes("3 more RCAs not shown"));

  const assigned = section(briefing, "Cluster assignments");
  assert.equal(tableRows(assigned).length, MAX_LISTED_ROWS);
  assert.equal(tableRows(assigned).at(-1)![0], "K50");
  assert.ok(
    assigned.includes(
      "3 more clusters not shown (the first 50 are listed).",
    ),
  );
});

Deno.test("generateBriefing() lists at most MAX_IDS_PER_CELL case ids in a cell and counts the rest", async () => {
  const store = newStore();
  for (let i = 1; i <= MAX_IDS_PER_CELL + 5; i++) {
    await addCase(store, `case-${i}`, "same failure");
  }
  const rows = tableRows(
    section(await generateBriefing(input(store)), "Common error patterns"),
  );
  assert.equal(MAX_IDS_PER_CELL, 20);
  assert.equal(rows[0][1], "25");
  assert.equal(
    rows[0][2],
    `${
      Array.from({ length: 20 }, (_, i) => `#${i + 1}`).join(", ")
    } and 5 more`,
  );
});

Deno.test("generateBriefing() follows new links and new cases between batches while it reuses the error patterns", async () => {
  const store = newStore();
  const c1 = await addCase(store, "OCP-1", "lease expired after 3s");
  await addCase(store, "OCP-2", "lease expired after 4s");
  const patterns = async () =>
    tableRows(
      section(await generateBriefing(input(store)), "Common error patterns"),
    );
  assert.deepEqual(await patterns(), [
    ["`lease expired after <n>s`", "2", "#1, #2", "—"],
  ]);
  // A link changes the components, not the grouping.
  const rca = await store.saveRca({
    title: "t",
    description: "d",
    defectType: "pb001",
    component: "ptp-operator",
  });
  await store.linkCaseToRca(c1, rca.id);
  assert.deepEqual(await patterns(), [
    ["`lease expired after <n>s`", "2", "#1, #2", "ptp-operator"],
  ]);
  // A new case is grouped.
  await addCase(store, "OCP-3", "disk full");
  assert.deepEqual(await patterns(), [
    ["`lease expired after <n>s`", "2", "#1, #2", "ptp-operator"],
    ["`disk full`", "1", "#3", "—"],
  ]);
  // Another store with the same ids but other messages is grouped anew.
  const other = newStore();
  await addCase(other, "OCP-1", "probe timeout");
  await addCase(other, "OCP-2", "probe timeout");
  await addCase(other, "OCP-3", "probe timeout");
  assert.deepEqual(
    tableRows(
      section(await generateBriefing(input(other)), "Common error patterns"),
    ),
    [["`probe timeout`", "3", "#1, #2, #3", "—"]],
  );
});

Deno.test("generateBriefing() lists at most MAX_IDS_PER_CELL members of a cluster, in cluster order, and counts the rest", async () => {
  const members = Array.from(
    { length: 3 * MAX_IDS_PER_CELL },
    (_, i) => `C${i + 1} (case #${i + 1})`,
  );
  const rows = tableRows(section(
    await generateBriefing(input(newStore(), {
      phase: "investigation",
      clusters: [{ key: "k", representative: members[0], members }],
    })),
    "Cluster assignments",
  ));
  assert.equal(
    rows[0][2],
    `${members.slice(0, MAX_IDS_PER_CELL).join(", ")} and ${
      2 * MAX_IDS_PER_CELL
    } more`,
  );
});
