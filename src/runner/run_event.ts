/**
 * Progress events a run emits; the terminal module renders them.
 *
 * @module
 */
import type { PipelineStep, Step } from "../pipeline/step.ts";
import type { ShortStepName } from "../scenario/scenario_schema.ts";

/** Something that happened during a run. */
export type RunEvent =
  | {
    readonly type: "run-start";
    readonly run: number;
    readonly runs: number;
    readonly scenario: string;
    readonly cases: number;
    readonly runDir: string;
  }
  | {
    /** A step was handed to the adapter (an agent starts working on it). */
    readonly type: "step-dispatched";
    readonly caseId: string;
    readonly step: PipelineStep;
  }
  | {
    /** The adapter came back for a dispatched step (`ok: false`: it failed). */
    readonly type: "step-answered";
    readonly caseId: string;
    readonly step: PipelineStep;
    readonly ok: boolean;
  }
  | {
    readonly type: "step-done";
    readonly caseId: string;
    readonly step: PipelineStep;
    readonly ruleId: string;
    readonly next: Step;
  }
  | {
    readonly type: "case-done";
    readonly caseId: string;
    readonly path: readonly ShortStepName[];
    readonly completed: number;
    readonly total: number;
    readonly error?: string;
  }
  | { readonly type: "note"; readonly caseId: string; readonly message: string }
  | { readonly type: "info"; readonly message: string };

/** Receives run events. */
export type RunObserver = (event: RunEvent) => void;
