/**
 * A case directory an agent replaced with a symlink is never written
 * through: the prompt, `state.json` and the normalised artifact are refused,
 * that case fails with a clear error, and the run goes on.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { groundTruthAnswer } from "../../src/adapter/ground_truth.ts";
import { loadTemplates } from "../../src/adapter/prompt/render_prompt.ts";
import { calibrate } from "../../src/runner/calibrate.ts";
import { createRunAgentAdapter } from "../../src/runner/run_agent_adapter.ts";
import { loadScenario } from "../../src/scenario/load_scenario.ts";
import type { Dispatcher } from "../../src/transport/dispatcher.ts";
import { withTempDir } from "../support/temp_dir.ts";

/** Every file under `dir`, relative, sorted. */
function filesUnder(dir: string, prefix = ""): string[] {
  return [...Deno.readDirSync(dir)].flatMap((entry) =>
    entry.isDirectory
      ? filesUnder(join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`]
  ).sort();
}

Deno.test("a case directory swapped for a symlink fails that case; nothing is written outside", async () => {
  await withTempDir(async (dir) => {
    const scenario = await loadScenario("ptp-mock");
    const runDir = join(dir, "run");
    const outside = join(dir, "outside");
    await Deno.mkdir(outside);
    const [first, second, third] = scenario.cases.map((c) => c.id);
    const templates = await loadTemplates();
    const swapped = new Set<string>();
    const { report } = await calibrate({
      scenario,
      runDir,
      adapterName: "agent",
      dispatchName: "test",
      transport: ({ run }) => {
        const dirOf = (caseId: string) =>
          run.records.find((r) => r.gt.id === caseId)!.dir;
        /** Replaces the case's directory with a symlink to `outside/{id}`. */
        const swap = async (caseId: string) => {
          if (swapped.has(caseId)) return;
          swapped.add(caseId);
          const target = join(outside, caseId);
          await Deno.mkdir(target);
          await Deno.remove(dirOf(caseId), { recursive: true });
          await Deno.symlink(target, dirOf(caseId));
        };
        const dispatcher: Dispatcher = {
          async dispatch(context) {
            // While the first case runs, the second case's directory goes
            // (its first prompt must be refused); the third case's goes
            // while its own first answer is out (the normalised artifact
            // and state.json must be refused).
            if (context.caseId === first) await swap(second);
            if (context.caseId === third) await swap(third);
            return await groundTruthAnswer(
              scenario,
              context,
              run.knowledge,
            );
          },
        };
        return {
          adapter: createRunAgentAdapter(run, {
            dispatcher,
            templates,
          }),
        };
      },
    });
    const byId = new Map(report.case_results.map((c) => [c.case_id, c]));
    for (const id of [second, third]) {
      const failed = byId.get(id)!;
      assert.match(
        failed.error ?? "",
        /Refusing path '.*': a symlink leads it to '.*'; expected a path inside/,
        `${id}: ${failed.error}`,
      );
    }
    assert.match(byId.get(second)!.error!, /prompt-recall\.md/);
    assert.match(byId.get(third)!.error!, /recall-result\.json/);
    const others = report.case_results.filter((c) =>
      c.case_id !== second && c.case_id !== third
    );
    assert.ok(others.length > 0);
    for (const c of others) assert.equal(c.error, undefined, c.case_id);
    assert.deepEqual(filesUnder(outside), []);
  });
});
