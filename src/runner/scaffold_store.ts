/**
 * Creates the store records a calibration run starts from (reference §3.2).
 *
 * @module
 */
import type { Scenario } from "../scenario/scenario_schema.ts";
import type { Store } from "../store/store.ts";

/** What {@linkcode scaffoldStore} created. */
export interface Scaffold {
  /** The run's suite id. */
  readonly suiteId: number;
  /** Store case id per scenario case id, in scenario order. */
  readonly storeCaseIds: ReadonlyMap<string, number>;
}

/**
 * Creates the suite, one version per distinct version label, one pipeline,
 * launch and job per distinct (version, job) pair, and one case per scenario
 * case, all in first-appearance order.
 */
export async function scaffoldStore(
  store: Store,
  scenario: Scenario,
): Promise<Scaffold> {
  const suite = await store.createSuite({
    name: scenario.name,
    description: scenario.description,
    status: "active",
  });
  const versions = new Map<string, number>();
  const jobs = new Map<string, { jobId: number; launchId: number }>();
  const storeCaseIds = new Map<string, number>();
  for (const gt of scenario.cases) {
    let versionId = versions.get(gt.version);
    if (versionId === undefined) {
      versionId = (await store.createVersion(gt.version)).id;
      versions.set(gt.version, versionId);
    }
    const key = JSON.stringify([gt.version, gt.job]);
    let job = jobs.get(key);
    if (job === undefined) {
      const pipeline = await store.createPipeline({
        suiteId: suite.id,
        versionId,
        name: `CI ${gt.version} ${gt.job}`,
        status: "complete",
      });
      const launch = await store.createLaunch({
        pipelineId: pipeline.id,
        name: `Launch ${gt.version} ${gt.job}`,
        status: "complete",
      });
      const created = await store.createJob({
        launchId: launch.id,
        name: gt.job,
        status: "complete",
      });
      job = { jobId: created.id, launchId: launch.id };
      jobs.set(key, job);
    }
    const storeCase = await store.createCase({
      jobId: job.jobId,
      launchId: job.launchId,
      name: gt.test_name,
      status: "open",
      errorMessage: gt.error_message,
      logSnippet: gt.log_snippet,
    });
    storeCaseIds.set(gt.id, storeCase.id);
  }
  return { suiteId: suite.id, storeCaseIds };
}
