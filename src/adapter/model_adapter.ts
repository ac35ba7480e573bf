/**
 * The adapter interface: where each step's answer comes from.
 *
 * @module
 */
import type { PipelineStep } from "../pipeline/step.ts";
import type { ArtifactSource } from "../pipeline/artifact_schemas.ts";
import type { AnswerRepair } from "../pipeline/read_answer.ts";
import type { BatchPhase } from "../transport/batch_dispatcher.ts";

/** One question to an adapter: a step of a case. */
export interface StepRequest {
  /** Scenario case id, e.g. `C1`. */
  readonly caseId: string;
  /** Store case id. */
  readonly storeCaseId: number;
  /** The step to answer. */
  readonly step: PipelineStep;
  /** The case's directory in the run directory (prompts, artifacts). */
  readonly caseDir: string;
  /** Aborts the request (Ctrl-C, run failure). */
  readonly signal?: AbortSignal;
}

/** An adapter's answer: unvalidated artifact data and where it came from. */
export interface StepAnswer {
  /** The artifact payload, validated by the caller with the step's schema. */
  readonly data: unknown;
  /** Where the data came from, for error messages. */
  readonly source: ArtifactSource;
  /** Repairs the transport applied to the agent's text (none: taken as written). */
  readonly repairs?: readonly AnswerRepair[];
  /**
   * The answer was found on disk (`--resume` after a crash), not asked for.
   *
   * @default {false}
   */
  readonly recovered?: boolean;
}

/** What a batch of requests shares. */
export interface BatchRequestOptions {
  /** The run phase the batch belongs to. */
  readonly phase: BatchPhase;
  /** Builds the batch's briefing (markdown) from the store, when wanted. */
  readonly briefing: () => Promise<string>;
}

/** Produces the artifact for each (case, step). */
export interface ModelAdapter {
  /** Adapter name as shown in the report (`stub`, `agent`). */
  readonly name: string;
  /** Answers one step. */
  answer(request: StepRequest): Promise<StepAnswer>;
  /**
   * Answers several steps at once (a batch transport). Results come back in
   * input order, each an answer or that request's error. Adapters without it
   * are asked one request at a time, concurrently.
   */
  answerBatch?(
    requests: readonly StepRequest[],
    options: BatchRequestOptions,
  ): Promise<PromiseSettledResult<StepAnswer>[]>;
  /**
   * Offers steps to a batch transport at once, as {@linkcode answerBatch}
   * does, but each answer comes back as soon as it is in, and steps offered
   * while a batch is in flight join it (the briefing is built only for a new
   * batch). One promise per request, in input order. The parallel runner
   * prefers it: its sliding window keeps every slot busy.
   */
  offerSteps?(
    requests: readonly StepRequest[],
    options: BatchRequestOptions,
  ): Promise<StepAnswer>[];
}
