import assert from "node:assert/strict";
import { MemoryStore } from "../../store/memory_store.ts";
import type { Store } from "../../store/store.ts";
import { resolveThresholds } from "../../pipeline/thresholds.ts";
import { CaseSimilarity } from "./case_similarity.ts";
import { buildPromptView, MAX_DETAILED, MAX_LISTED } from "./prompt_view.ts";
import { loadTemplates, renderPrompt } from "./render_prompt.ts";
import { inputFor } from "./prompt_fixture_for_tests.ts";

const HOLDOVER = (pid: number) =>
  `[FAILED] ptp4l on ens2f0 (pid ${pid}): clock state FREERUN after 61s, expected HOLDOVER`;
const CLEANUP = (n: number) =>
  `[FAILED] openshift-ptp holds ${n} PtpConfig objects, expected 1: stale e2e-tbc-boundary`;
const EVENTS = (s: number) =>
  `[FAILED] sync-state event for /cluster/node/worker-2 was FREERUN at ${s}s into the outage`;

/**
 * A run of `count` cases cycling through three failures; every case but the
 * last has its own RCA (origin) and symptom, so lists are longer than any cap.
 */
async function bigRun(count: number): Promise<{ store: MemoryStore }> {
  const store = new MemoryStore();
  const failures = [HOLDOVER, CLEANUP, EVENTS];
  for (let i = 0; i < count; i++) {
    const message = failures[i % 3](1000 + i);
    const c = await store.createCase({
      jobId: 1,
      launchId: 1,
      name: `OCP-${83297 + (i % 3)} test ${i % 3}`,
      errorMessage: message,
      logSnippet: `log line\n${message}`,
    });
    if (i === count - 1) break;
    const symptom = await store.createSymptom({
      fingerprint: `fp-${i}`,
      name: c.name,
      errorPattern: message,
    });
    const rca = await store.saveRca({
      title: `Root cause ${i}`,
      description: `Description of root cause ${i}. `.repeat(8),
      defectType: i % 3 === 0 ? "pb001" : "ab001",
      component: `component-${i % 3}`,
      originCaseId: c.id,
    });
    await store.linkCaseToSymptom(c.id, symptom.id);
    await store.linkSymptomToRca({
      symptomId: symptom.id,
      rcaId: rca.id,
      confidence: 0.9,
      notes: "",
    });
    // Only every other case keeps its RCA linked: the rest are pending.
    if (i % 2 === 0) await store.linkCaseToRca(c.id, rca.id);
  }
  return { store };
}

/** A store that counts `listCases` calls. */
function countingListCases(
  store: Store,
): { store: Store; calls: () => number } {
  let calls = 0;
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      if (key === "listCases") {
        return () => {
          calls += 1;
          return target.listCases();
        };
      }
      const value = Reflect.get(target, key, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store: proxy, calls: () => calls };
}

Deno.test("buildPromptView() shows at most MAX_LISTED of each list, the most similar, and counts the rest", async () => {
  const run = await bigRun(60);
  const last = 60; // the last case: an events failure (index 59 % 3 = 2)
  const self = await run.store.getCase(last);
  assert.ok(self?.errorMessage.includes("sync-state event"));
  const view = await buildPromptView(inputFor(run, last, "F0_RECALL"));

  assert.equal(view.knownSymptoms.length, MAX_LISTED);
  assert.equal(view.listing.symptomsNotShown, 59 - MAX_LISTED);
  // The most similar symptoms are those recorded with the same failure.
  assert.ok(
    view.knownSymptoms.every((s) => s.errorPattern.includes("sync-state")),
  );
  assert.equal(view.knownRcas.length, MAX_LISTED);
  assert.equal(view.listing.rcasNotShown, 59 - MAX_LISTED);
  assert.ok(view.knownRcas.every((r) => r.component === "component-2"));
  assert.ok(view.pendingCases.length <= MAX_LISTED);
  assert.ok(view.pendingCases.length > 0);
  assert.ok(
    view.pendingCases.every((c) => c.errorHead.startsWith("sync-state event")),
  );
  assert.equal(
    view.listing.pendingCasesNotShown,
    59 - view.pendingCases.length,
  );
  // Ids listed by id, ascending.
  const ids = view.knownRcas.map((r) => r.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  assert.equal(view.history.priorRcas.length <= MAX_DETAILED, true);
  assert.equal(view.detailedRcas.length, MAX_DETAILED);
  assert.equal(view.briefRcas.length, MAX_LISTED - MAX_DETAILED);

  const triage = await buildPromptView(inputFor(run, last, "F1_TRIAGE"));
  assert.equal(triage.otherCases.length, MAX_LISTED);
  assert.equal(triage.listing.otherCasesNotShown, 59 - MAX_LISTED);
  assert.ok(
    triage.otherCases.every((c) => c.errorHead.startsWith("sync-state event")),
  );
});

Deno.test("buildPromptView() honours maxListed and refuses one that is not a positive integer", async () => {
  const run = await bigRun(12);
  const view = await buildPromptView(
    inputFor(run, 12, "F1_TRIAGE", { maxListed: 3 }),
  );
  assert.equal(view.otherCases.length, 3);
  assert.equal(view.listing.otherCasesNotShown, 8);
  for (const maxListed of [0, 1.5, -1]) {
    await assert.rejects(
      buildPromptView(inputFor(run, 12, "F1_TRIAGE", { maxListed })),
      (error: unknown) =>
        error instanceof RangeError &&
        error.message.includes(`maxListed ${maxListed}`),
    );
  }
});

Deno.test("buildPromptView() with the run's similarity index reads no list of every case", async () => {
  const run = await bigRun(30);
  const counted = countingListCases(run.store);
  const similarity = new CaseSimilarity(await run.store.listCases());
  for (const step of ["F0_RECALL", "F1_TRIAGE", "F4_CORRELATE"] as const) {
    await buildPromptView({
      ...inputFor(counted, 30, step),
      similarity,
    });
  }
  assert.equal(counted.calls(), 0);
  // Without the index, one is built from the store.
  await buildPromptView(inputFor(counted, 30, "F1_TRIAGE"));
  assert.equal(counted.calls(), 1);
});

Deno.test("F0, F1 and F4 prompts stay the same size however many cases the run has", async () => {
  const templates = await loadTemplates();
  const sizes: number[] = [];
  for (const count of [30, 300]) {
    const run = await bigRun(count);
    let largest = 0;
    for (const step of ["F0_RECALL", "F1_TRIAGE", "F4_CORRELATE"] as const) {
      const prompt = renderPrompt(
        templates,
        step,
        await buildPromptView(inputFor(run, count, step)),
      );
      largest = Math.max(largest, new TextEncoder().encode(prompt).length);
      if (step !== "F1_TRIAGE") {
        assert.match(prompt, /more not shown/, `${step} at ${count} cases`);
      }
    }
    sizes.push(largest);
  }
  assert.ok(sizes[1] <= sizes[0] + 200, `sizes ${sizes.join(", ")}`);
  assert.ok(sizes[1] <= 8 * 1024, `largest prompt ${sizes[1]} bytes`);
});

Deno.test("prompts quote the thresholds in force, not the defaults", async () => {
  const run = await bigRun(6);
  const templates = await loadTemplates();
  const thresholds = resolveThresholds({
    recallHit: 0.65,
    recallUncertain: 0.3,
    correlateDup: 0.9,
    convergenceSufficient: 0.55,
    maxInvestigateLoops: 4,
  });
  const prompt = async (
    step: "F0_RECALL" | "F3_INVESTIGATE" | "F4_CORRELATE",
  ) =>
    renderPrompt(
      templates,
      step,
      await buildPromptView(inputFor(run, 6, step, { thresholds })),
    );
  const recall = await prompt("F0_RECALL");
  assert.match(recall, /≥ 0\.65 hit .* 0\.30–0\.65 uncertain .* < 0\.30 miss/);
  assert.doesNotMatch(recall, /0\.80|0\.40/);
  assert.match(await prompt("F4_CORRELATE"), /below 0\.90 nothing is linked/);
  assert.match(
    await prompt("F3_INVESTIGATE"),
    /below 0\.55 the investigation is retried \(at most 4 times\)/,
  );
  // The defaults when none are given.
  const plain = renderPrompt(
    templates,
    "F0_RECALL",
    await buildPromptView(inputFor(run, 6, "F0_RECALL")),
  );
  assert.match(plain, /≥ 0\.80 hit .* 0\.40–0\.80 uncertain/);
});
