/**
 * A write to an agent's artifact path after asterisk accepted it is noted
 * ("late write ignored") and never used: the result and the stored artifact
 * stay those of the accepted answer, at the end of the run and on --resume.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { groundTruthAnswer } from "../../src/adapter/ground_truth.ts";
import { loadTemplates } from "../../src/adapter/prompt/render_prompt.ts";
import type { CaseResult } from "../../src/core/case_result.ts";
import { calibrate } from "../../src/runner/calibrate.ts";
import type { RunEvent } from "../../src/runner/run_event.ts";
import { createRunAgentAdapter } from "../../src/runner/run_agent_adapter.ts";
import { loadScenario } from "../../src/scenario/load_scenario.ts";
import type { Scenario } from "../../src/scenario/scenario_schema.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import type {
  DispatchContext,
  Dispatcher,
} from "../../src/transport/dispatcher.ts";
import { withTempDir } from "../support/temp_dir.ts";

/** A forged second answer: another recall than the accepted one. */
const LATE = `${
  JSON.stringify({
    dispatch_id: 1,
    data: { match: true, prior_rca_id: 99, confidence: 1, reasoning: "late" },
  })
}\n`;

/** Runs `scenario` with ground-truth answers; `before` runs ahead of each. */
async function run(
  scenario: Scenario,
  runDir: string,
  options: {
    before?: (context: DispatchContext) => Promise<void>;
    resume?: boolean;
    signal?: AbortSignal;
    events?: RunEvent[];
  } = {},
) {
  const templates = await loadTemplates();
  return await calibrate({
    scenario,
    runDir,
    adapterName: "agent",
    dispatchName: "test",
    resume: options.resume,
    signal: options.signal,
    observe: (event) => options.events?.push(event),
    transport: ({ run }) => {
      const dispatcher: Dispatcher = {
        async dispatch(context) {
          await options.before?.(context);
          return await groundTruthAnswer(scenario, context, run.knowledge);
        },
      };
      return {
        adapter: createRunAgentAdapter(run, { dispatcher, templates }),
      };
    },
  });
}

function withoutNotes(results: readonly CaseResult[]) {
  return results.map(({ answer_notes: _, ...rest }) => rest);
}

async function storedArtifacts(runDir: string) {
  const store = SqliteStore.open({ path: join(runDir, "run.db") });
  try {
    return (await store.listArtifacts()).map(({ acceptedAt: _, ...a }) => a);
  } finally {
    await store.close();
  }
}

Deno.test("a late artifact write after acceptance is noted, never used", async () => {
  await withTempDir(async (dir) => {
    const scenario = await loadScenario("ptp-mock");
    const [first] = scenario.cases;
    const plain = await run(scenario, join(dir, "plain"));
    const runDir = join(dir, "late");
    let recallPath: string | undefined;
    const events: RunEvent[] = [];
    const late = await run(scenario, runDir, {
      events,
      async before(context) {
        if (context.caseId !== first.id) return;
        if (context.step === "F0_RECALL") recallPath = context.artifactPath;
        // The recall was accepted: the agent writes it again.
        else await Deno.writeTextFile(recallPath!, LATE);
      },
    });
    assert.deepEqual(
      withoutNotes(late.report.case_results),
      withoutNotes(plain.report.case_results),
    );
    assert.deepEqual(late.report.metrics, plain.report.metrics);
    const notes = late.report.case_results[0].answer_notes ?? [];
    assert.equal(notes.length, 1, JSON.stringify(notes));
    assert.match(notes[0], /^late write ignored: '.*recall-result\.json'/);
    assert.ok(
      events.some((e) =>
        e.type === "note" && e.caseId === first.id &&
        e.message.startsWith("late write ignored")
      ),
    );
    assert.deepEqual(
      await storedArtifacts(runDir),
      await storedArtifacts(join(dir, "plain")),
    );
    // The file is the accepted copy again.
    const accepted = (await storedArtifacts(runDir))[0].normalised;
    assert.deepEqual(
      JSON.parse(await Deno.readTextFile(recallPath!)),
      accepted,
    );
  });
});

Deno.test("--resume notes a late write made while no calibrate ran, and uses the stored artifact", async () => {
  await withTempDir(async (dir) => {
    const scenario = await loadScenario("ptp-mock");
    const [first, second] = scenario.cases;
    const plain = await run(scenario, join(dir, "plain"));
    const runDir = join(dir, "late");
    const stop = new AbortController();
    let recallPath: string | undefined;
    await assert.rejects(run(scenario, runDir, {
      signal: stop.signal,
      async before(context) {
        if (context.caseId === first.id && context.step === "F0_RECALL") {
          recallPath = context.artifactPath;
        }
        if (context.caseId === second.id) {
          // The first case is done; calibrate stops; an agent writes late.
          await Deno.writeTextFile(recallPath!, LATE);
          stop.abort(new Error("stopped by the test"));
          throw stop.signal.reason;
        }
      },
    }));
    const resumed = await run(scenario, runDir, { resume: true });
    assert.deepEqual(
      withoutNotes(resumed.report.case_results),
      withoutNotes(plain.report.case_results),
    );
    const notes = resumed.report.case_results[0].answer_notes ?? [];
    assert.equal(notes.length, 1, JSON.stringify(notes));
    assert.match(notes[0], /^late write ignored/);
    assert.deepEqual(
      await storedArtifacts(runDir),
      await storedArtifacts(join(dir, "plain")),
    );
  });
});
