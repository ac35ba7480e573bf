/**
 * The normalised artifact of an answer the in-process oracle built, without
 * running the step's zod schema: every key the schema knows, in its order,
 * with the schema's defaults. Only well-formed values are taken; anything
 * else (a wrong type, an out-of-range number, a key the oracle never writes)
 * gives `undefined`, and the answer goes through `parseArtifact`
 * like any other. Answers from files, stdin or MCP are always parsed.
 *
 * The oracle's adapter registers its answer with {@linkcode trustAnswer},
 * which freezes the data; {@linkcode trustedArtifactOf} finds the normalised
 * form for exactly that (unchangeable) object, so an answer that a wrapper
 * replaced or edited is parsed again. A test checks that the result equals
 * `parseArtifact` of the same data for every case and step of the built-in and
 * Go datasets.
 *
 * @module
 */
import type { ArtifactByStep } from "./artifact_schemas.ts";
import type { PipelineStep } from "./step.ts";

/** Thrown inside {@linkcode trustedArtifact} for a value it does not take. */
class NotTrusted extends Error {}

function fail(): never {
  throw new NotTrusted();
}

function bool(value: unknown): boolean {
  if (value === undefined) return false;
  return typeof value === "boolean" ? value : fail();
}

function text(value: unknown): string {
  if (value === undefined) return "";
  return typeof value === "string" ? value : fail();
}

function storeId(value: unknown): number {
  if (value === undefined) return 0;
  return Number.isSafeInteger(value) && (value as number) >= 0
    ? value as number
    : fail();
}

function unit(value: unknown): number {
  if (value === undefined) return 0;
  return typeof value === "number" && value >= 0 && value <= 1 ? value : fail();
}

function strings(value: unknown): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) && value.every((v) => typeof v === "string")
    ? [...value]
    : fail();
}

/** Fails unless every key of `data` is one of `known`. */
function onlyKeys(data: Record<string, unknown>, known: readonly string[]) {
  for (const key of Object.keys(data)) if (!known.includes(key)) fail();
}

const BUILDERS: {
  readonly [S in PipelineStep]: (
    data: Record<string, unknown>,
  ) => ArtifactByStep[S];
} = {
  F0_RECALL: (d) => {
    onlyKeys(d, [
      "match",
      "prior_rca_id",
      "symptom_id",
      "confidence",
      "reasoning",
      "is_regression",
      "same_as_case_id",
    ]);
    return {
      match: bool(d.match),
      prior_rca_id: storeId(d.prior_rca_id),
      symptom_id: storeId(d.symptom_id),
      confidence: unit(d.confidence),
      reasoning: text(d.reasoning),
      is_regression: bool(d.is_regression),
      same_as_case_id: storeId(d.same_as_case_id),
    };
  },
  F1_TRIAGE: (d) => {
    onlyKeys(d, [
      "symptom_category",
      "severity",
      "defect_type_hypothesis",
      "candidate_repos",
      "skip_investigation",
      "clock_skew_suspected",
      "cascade_suspected",
      "data_quality_notes",
    ]);
    return {
      symptom_category: text(d.symptom_category),
      severity: text(d.severity),
      defect_type_hypothesis: text(d.defect_type_hypothesis),
      candidate_repos: strings(d.candidate_repos),
      skip_investigation: bool(d.skip_investigation),
      clock_skew_suspected: bool(d.clock_skew_suspected),
      cascade_suspected: bool(d.cascade_suspected),
      data_quality_notes: text(d.data_quality_notes),
    };
  },
  F2_RESOLVE: (d) => {
    onlyKeys(d, ["selected_repos", "cross_ref_strategy"]);
    const repos = d.selected_repos ?? [];
    if (!Array.isArray(repos)) fail();
    return {
      selected_repos: repos.map((repo: unknown) => {
        if (typeof repo !== "object" || repo === null) fail();
        const r = repo as Record<string, unknown>;
        onlyKeys(r, ["name", "path", "focus_paths", "branch", "reason"]);
        if (typeof r.name !== "string" || r.name === "") fail();
        return {
          name: r.name,
          path: text(r.path),
          focus_paths: strings(r.focus_paths),
          branch: text(r.branch),
          reason: text(r.reason),
        };
      }),
      cross_ref_strategy: text(d.cross_ref_strategy),
    };
  },
  F3_INVESTIGATE: (d) => {
    onlyKeys(d, [
      "rca_message",
      "defect_type",
      "component",
      "convergence_score",
      "evidence_refs",
    ]);
    return {
      launch_id: "",
      case_ids: [],
      rca_message: text(d.rca_message),
      defect_type: text(d.defect_type),
      component: text(d.component),
      convergence_score: unit(d.convergence_score),
      evidence_refs: strings(d.evidence_refs),
    };
  },
  F4_CORRELATE: (d) => {
    onlyKeys(d, [
      "is_duplicate",
      "linked_rca_id",
      "confidence",
      "reasoning",
      "cross_version_match",
      "affected_versions",
      "same_as_case_id",
    ]);
    return {
      is_duplicate: bool(d.is_duplicate),
      linked_rca_id: storeId(d.linked_rca_id),
      confidence: unit(d.confidence),
      reasoning: text(d.reasoning),
      cross_version_match: bool(d.cross_version_match),
      affected_versions: strings(d.affected_versions),
      same_as_case_id: storeId(d.same_as_case_id),
    };
  },
  F5_REVIEW: (d) => {
    onlyKeys(d, ["decision"]);
    return { decision: typeof d.decision === "string" ? d.decision : fail() };
  },
  F6_REPORT: (d) => ({ ...d }),
};

/**
 * The normalised artifact of `step` for oracle-built `data` (what
 * `parseArtifact` would return), or `undefined` when `data` holds
 * anything the fast path does not take.
 */
export function trustedArtifact<S extends PipelineStep>(
  step: S,
  data: Record<string, unknown>,
): ArtifactByStep[S] | undefined {
  for (const value of Object.values(data)) {
    if (value === null) return undefined;
  }
  try {
    return BUILDERS[step](data) as ArtifactByStep[S];
  } catch (error) {
    if (error instanceof NotTrusted) return undefined;
    throw error;
  }
}

const trusted = new WeakMap<
  object,
  { readonly step: PipelineStep; readonly artifact: unknown }
>();

function deepFreeze(value: unknown): void {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) {
    return;
  }
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

/**
 * Freezes oracle-built `data` and registers its normalised artifact of
 * `step` (when {@linkcode trustedArtifact} takes it); returns `data`.
 */
export function trustAnswer(
  step: PipelineStep,
  data: Record<string, unknown>,
): Record<string, unknown> {
  const artifact = trustedArtifact(step, data);
  if (artifact !== undefined) {
    deepFreeze(data);
    trusted.set(data, { step, artifact });
  }
  return data;
}

/**
 * The normalised artifact registered for `data` at `step` by
 * {@linkcode trustAnswer}, or `undefined` (then the answer is parsed).
 */
export function trustedArtifactOf<S extends PipelineStep>(
  step: S,
  data: unknown,
): ArtifactByStep[S] | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const found = trusted.get(data);
  return found?.step === step ? found.artifact as ArtifactByStep[S] : undefined;
}
