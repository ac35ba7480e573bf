/**
 * Flags on a validated answer: values the pipeline keeps as the agent's
 * answer (they are wrong answers, not broken files) but that name nothing
 * known — an unknown category or defect type, an id no store record has, a
 * repository outside the workspace.
 *
 * @module
 */
import type { StepArtifact } from "./artifact_schemas.ts";
import {
  ENUM_FIELDS,
  knownValues,
  type Vocabulary,
  type VocabularyExtras,
} from "./answer_vocabulary.ts";
import type { Store } from "../store/store.ts";

/** Which kind of unknown value an answer holds. */
export type FlagKind = "unknown-value" | "unknown-id" | "unknown-repo";

/** One flag on an answer. */
export interface AnswerFlag {
  /** Which kind. */
  readonly kind: FlagKind;
  /** What is unknown, e.g. `field 'defect_type' "zz999" is no known value`. */
  readonly detail: string;
}

/** What {@linkcode flagAnswer} checks against. */
export interface FlagContext {
  /** The run's store (RCA and symptom ids). */
  readonly store: Store;
  /** Workspace repository names. */
  readonly repos: readonly string[];
  /** Store case ids of the run. */
  readonly caseIds: ReadonlySet<number>;
  /** Known values besides the built-in ones. */
  readonly extras?: VocabularyExtras;
}

const knownSets = new WeakMap<
  FlagContext,
  Map<Vocabulary, ReadonlySet<string>>
>();

/** Whether `value` is a known value of `vocabulary` (sets built once). */
function isKnown(
  context: FlagContext,
  vocabulary: Vocabulary,
  value: string,
): boolean {
  let sets = knownSets.get(context);
  if (sets === undefined) knownSets.set(context, sets = new Map());
  let known = sets.get(vocabulary);
  if (known === undefined) {
    sets.set(
      vocabulary,
      known = new Set(knownValues(vocabulary, context.extras)),
    );
  }
  return known.has(value);
}

/**
 * Returns the flags of `artifact`, checked against the store as it is before
 * the artifact's effects are applied.
 */
export async function flagAnswer(
  artifact: StepArtifact,
  context: FlagContext,
): Promise<AnswerFlag[]> {
  const flags: AnswerFlag[] = [];
  const data = artifact.data as Record<string, unknown>;
  for (
    const [field, vocabulary] of Object.entries(
      ENUM_FIELDS[artifact.step] ?? {},
    )
  ) {
    const value = data[field];
    if (typeof value !== "string" || value === "") continue;
    if (vocabulary === "decision" || vocabulary === "loop-target") continue;
    if (!isKnown(context, vocabulary, value)) {
      flags.push({
        kind: "unknown-value",
        detail: `field '${field}' ${JSON.stringify(value)} is no known ${
          vocabulary === "category" ? "symptom category" : "defect type"
        }`,
      });
    }
  }
  const unknownRca = async (field: string, id: number) => {
    if (id !== 0 && await context.store.getRca(id) === undefined) {
      flags.push({ kind: "unknown-id", detail: `${field} ${id} names no RCA` });
    }
  };
  const unknownCase = (id: number) => {
    if (id !== 0 && !context.caseIds.has(id)) {
      flags.push({
        kind: "unknown-id",
        detail: `same_as_case_id ${id} names no case of the run`,
      });
    }
  };
  const unknownRepos = (field: string, names: readonly string[]) => {
    for (const name of names) {
      if (!context.repos.includes(name)) {
        flags.push({
          kind: "unknown-repo",
          detail: `${field} ${JSON.stringify(name)} is no workspace repository`,
        });
      }
    }
  };
  switch (artifact.step) {
    case "F0_RECALL": {
      const r = artifact.data;
      await unknownRca("prior_rca_id", r.prior_rca_id);
      if (
        r.symptom_id !== 0 &&
        await context.store.getSymptom(r.symptom_id) === undefined
      ) {
        flags.push({
          kind: "unknown-id",
          detail: `symptom_id ${r.symptom_id} names no symptom`,
        });
      }
      unknownCase(r.same_as_case_id);
      break;
    }
    case "F1_TRIAGE":
      unknownRepos("candidate_repos", artifact.data.candidate_repos);
      break;
    case "F2_RESOLVE":
      unknownRepos(
        "selected_repos",
        artifact.data.selected_repos.map((r) => r.name),
      );
      break;
    case "F4_CORRELATE":
      await unknownRca("linked_rca_id", artifact.data.linked_rca_id);
      unknownCase(artifact.data.same_as_case_id);
      break;
    case "F5_REVIEW": {
      const dt = artifact.data.human_override?.defect_type ?? "";
      if (dt !== "" && !isKnown(context, "defect", dt)) {
        flags.push({
          kind: "unknown-value",
          detail: `field 'human_override.defect_type' ${
            JSON.stringify(dt)
          } is no known defect type`,
        });
      }
      break;
    }
  }
  return flags;
}
