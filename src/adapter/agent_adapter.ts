/**
 * The agent adapter (the Go version's "cursor" adapter): fills the step's
 * prompt template from the store and the case, writes it into the case
 * directory, dispatches it to an external agent, and validates the returned
 * artifact with the step's schema.
 *
 * @module
 */
import { join } from "node:path";
import type { ModelAdapter, StepAnswer, StepRequest } from "./model_adapter.ts";
import { CaseSimilarity } from "./prompt/case_similarity.ts";
import { buildPromptView } from "./prompt/prompt_view.ts";
import { type PromptTemplates, renderPrompt } from "./prompt/render_prompt.ts";
import { ARTIFACT_JSON_SCHEMAS } from "../pipeline/artifact_json_schemas.ts";
import {
  type ArtifactSource,
  parseArtifact,
  type StepArtifact,
} from "../pipeline/artifact_schemas.ts";
import type { LoopCounts } from "../pipeline/heuristics.ts";
import type { Thresholds } from "../pipeline/thresholds.ts";
import type { AnswerRepair } from "../pipeline/read_answer.ts";
import { stepFiles } from "../pipeline/step.ts";
import type { RepoConfig } from "../scenario/scenario_schema.ts";
import type { Store } from "../store/store.ts";
import { isBatchDispatcher } from "../transport/batch_dispatcher.ts";
import type { RecoveredAnswer } from "../transport/recover_answers.ts";
import type { DispatchContext, Dispatcher } from "../transport/dispatcher.ts";
import { atomicWriteTextFile } from "../util/atomic_write.ts";
import { confinedWriteTextFile } from "../util/confined_write.ts";

/** What the adapter may know about a case besides the store. */
export interface CaseView {
  /** The case's validated artifacts so far, in order. */
  readonly artifacts: readonly StepArtifact[];
  /** The case's loop counters. */
  readonly loops: LoopCounts;
  /** Version label of the failure. */
  readonly version: string;
  /** Job name of the failure. */
  readonly job: string;
}

/** Options of {@linkcode createAgentAdapter}. */
export interface AgentAdapterOptions {
  /**
   * Adapter name for the report.
   *
   * @default {"agent"}
   */
  readonly name?: string;
  /** The run's store. */
  readonly store: Store;
  /** Workspace repositories (only name, path, purpose, branch reach prompts). */
  readonly workspace: readonly RepoConfig[];
  /** Looks up a case's artifacts, loops, version and job by scenario id. */
  readonly caseView: (scenarioCaseId: string) => CaseView | undefined;
  /** Version label of every case by store case id (for cross-version judgement). */
  readonly caseVersions?: ReadonlyMap<number, string>;
  /** Delivers prompts and returns artifacts. */
  readonly dispatcher: Dispatcher;
  /** Prompt templates (embedded, or overridden by `--prompt-dir`). */
  readonly templates: PromptTemplates;
  /**
   * The run's thresholds, quoted by the prompts.
   *
   * @default {DEFAULT_THRESHOLDS}
   */
  readonly thresholds?: Thresholds;
  /**
   * The most other cases, symptoms and RCAs each prompt list shows.
   *
   * @default {MAX_LISTED}
   */
  readonly maxListed?: number;
  /**
   * Where the payload sits in the artifact file, for error messages: `data`
   * for the file protocol's wrapper, empty for a bare artifact.
   *
   * @default {"data"}
   */
  readonly fieldPrefix?: string;
  /**
   * Answers already on disk, by artifact path (`--resume` after a crash):
   * a request whose artifact is here is answered from it without a
   * dispatch, once.
   */
  readonly recovered?: Map<string, RecoveredAnswer>;
  /**
   * The run directory every prompt must stay in, symlinks followed: a case
   * directory leading outside fails the request with a
   * `PathConfinementError` and nothing is written.
   *
   * @default {undefined} (not checked)
   */
  readonly confineTo?: string;
}

/** Creates the agent adapter. */
export function createAgentAdapter(options: AgentAdapterOptions): ModelAdapter {
  const fieldPrefix = options.fieldPrefix ?? "data";
  const dispatcher = options.dispatcher;
  // The run's cases are all in the store before the first prompt, and their
  // test names and error messages never change: index them once.
  let similarity: Promise<CaseSimilarity> | undefined;
  const similarityIndex = (): Promise<CaseSimilarity> =>
    similarity ??= options.store.listCases().then(
      (cases) => new CaseSimilarity(cases),
      (error) => {
        similarity = undefined; // a later prompt tries again
        throw error;
      },
    );

  /** Writes the request's prompt; returns its dispatch context and source. */
  async function prepare(
    request: StepRequest,
  ): Promise<
    {
      context: DispatchContext;
      source: ArtifactSource;
      repairs: AnswerRepair[];
    }
  > {
    const view = options.caseView(request.caseId);
    if (view === undefined) {
      throw new RangeError(
        `Cannot prompt for case '${request.caseId}': the run has no such case`,
      );
    }
    const attempt = view.artifacts.filter((a) => a.step === request.step)
      .length;
    const files = stepFiles(request.step, attempt);
    const promptPath = join(request.caseDir, files.prompt);
    const artifactPath = join(request.caseDir, files.artifact);
    const promptView = await buildPromptView({
      store: options.store,
      step: request.step,
      storeCaseId: request.storeCaseId,
      versionLabel: view.version,
      jobName: view.job,
      workspace: options.workspace,
      artifacts: view.artifacts,
      investigateLoops: view.loops.investigate,
      artifactPath,
      promptPath,
      caseVersions: options.caseVersions,
      similarity: await similarityIndex(),
      maxListed: options.maxListed,
      thresholds: options.thresholds,
    });
    const prompt = renderPrompt(options.templates, request.step, promptView);
    if (options.confineTo === undefined) {
      await atomicWriteTextFile(promptPath, prompt);
    } else {
      await confinedWriteTextFile(options.confineTo, promptPath, prompt);
    }
    const source = { name: artifactPath, fieldPrefix };
    const repairs: AnswerRepair[] = [];
    return {
      source,
      repairs,
      context: {
        onRepairs: (found) => repairs.push(...found),
        caseId: request.caseId,
        step: request.step,
        prompt,
        schema: ARTIFACT_JSON_SCHEMAS[request.step],
        promptPath,
        artifactPath,
        signal: request.signal,
        validate: (payload) => {
          parseArtifact(request.step, payload, source);
        },
      },
    };
  }

  /** Takes the recovered answer of `context`, when there is one. */
  function recovered(context: DispatchContext): RecoveredAnswer | undefined {
    const found = options.recovered?.get(context.artifactPath);
    if (found !== undefined) options.recovered!.delete(context.artifactPath);
    return found;
  }

  const adapter: ModelAdapter = {
    name: options.name ?? "agent",
    async answer(request: StepRequest): Promise<StepAnswer> {
      const { context, source, repairs } = await prepare(request);
      const found = recovered(context);
      if (found) {
        return {
          data: found.data,
          source,
          repairs: found.repairs,
          recovered: true,
        };
      }
      return { data: await dispatcher.dispatch(context), source, repairs };
    },
  };
  if (!isBatchDispatcher(dispatcher)) return adapter;
  const offer = dispatcher.offer?.bind(dispatcher);
  return {
    ...adapter,
    ...(offer && {
      offerSteps(requests, batch) {
        const answers = requests.map(() => Promise.withResolvers<StepAnswer>());
        (async () => {
          const prepared = await Promise.allSettled(requests.map(prepare));
          const offered: {
            index: number;
            context: DispatchContext;
            source: ArtifactSource;
            repairs: AnswerRepair[];
          }[] = [];
          prepared.forEach((p, index) => {
            if (p.status === "rejected") return answers[index].reject(p.reason);
            const found = recovered(p.value.context);
            if (found === undefined) return offered.push({ index, ...p.value });
            answers[index].resolve({
              data: found.data,
              source: p.value.source,
              repairs: found.repairs,
              recovered: true,
            });
          });
          if (offered.length === 0) return;
          let results: Promise<unknown>[];
          try {
            results = offer(offered.map((o) => o.context), {
              phase: batch.phase,
              briefing: batch.briefing,
            });
          } catch (error) {
            for (const { index } of offered) answers[index].reject(error);
            return;
          }
          offered.forEach(({ index, source, repairs }, i) => {
            results[i].then(
              (data) => answers[index].resolve({ data, source, repairs }),
              (error) => answers[index].reject(error),
            );
          });
        })();
        return answers.map(({ promise }) => promise);
      },
    }),
    async answerBatch(requests, batch) {
      const prepared = await Promise.allSettled(requests.map(prepare));
      const found = prepared.map((p) =>
        p.status === "fulfilled" ? recovered(p.value.context) : undefined
      );
      const ready = prepared.flatMap((p, i) =>
        p.status === "fulfilled" && found[i] === undefined ? [p.value] : []
      );
      const dispatched = ready.length === 0 ? [] : await dispatcher
        .dispatchBatch(ready.map((p) => p.context), {
          phase: batch.phase,
          briefing: await batch.briefing(),
        });
      let next = 0;
      return prepared.map((p, i): PromiseSettledResult<StepAnswer> => {
        if (p.status === "rejected") return p;
        const answer = found[i];
        if (answer !== undefined) {
          return {
            status: "fulfilled",
            value: {
              data: answer.data,
              source: p.value.source,
              repairs: answer.repairs,
              recovered: true,
            },
          };
        }
        const result = dispatched[next++];
        return result.status === "fulfilled"
          ? {
            status: "fulfilled",
            value: {
              data: result.value,
              source: p.value.source,
              repairs: p.value.repairs,
            },
          }
          : result;
      });
    },
  };
}
