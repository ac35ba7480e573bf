/**
 * The enum-like fields of step answers and their known values: what
 * {@linkcode repairEnums} folds (case and separators) and what the answer
 * flags call unknown.
 *
 * @module
 */
import { LOOP_TARGETS } from "./artifact_schemas.ts";
import type { PipelineStep } from "./step.ts";

/** Symptom categories: the taxonomy's, the Go template vocabulary's, the Go datasets'. */
export const KNOWN_CATEGORIES: readonly string[] = [
  "product",
  "automation",
  "infra",
  "flake",
  "unknown",
  "environment",
  "firmware",
  "timeout",
  "assertion",
  "crash",
  "config",
];

/** Defect type codes: the taxonomy's and the Go datasets'. */
export const KNOWN_DEFECT_TYPES: readonly string[] = [
  "pb001",
  "ab001",
  "au001",
  "si001",
  "en001",
  "fw001",
  "nd001",
  "ti001",
];

/** Which vocabulary a field uses. */
export type Vocabulary = "category" | "defect" | "decision" | "loop-target";

/** Enum-like top-level fields per step. */
export const ENUM_FIELDS: Readonly<
  Partial<Record<PipelineStep, Readonly<Record<string, Vocabulary>>>>
> = {
  F1_TRIAGE: {
    symptom_category: "category",
    defect_type_hypothesis: "defect",
  },
  F3_INVESTIGATE: { defect_type: "defect" },
  F5_REVIEW: { decision: "decision", loop_target: "loop-target" },
};

const FIXED: Readonly<Record<Vocabulary, readonly string[]>> = {
  category: KNOWN_CATEGORIES,
  defect: KNOWN_DEFECT_TYPES,
  decision: ["approve", "reassess", "overturn"],
  "loop-target": LOOP_TARGETS,
};

/** Extra known values, e.g. the scenario's own categories and defect types. */
export interface VocabularyExtras {
  readonly categories?: readonly string[];
  readonly defectTypes?: readonly string[];
}

/** The known values of `vocabulary`. */
export function knownValues(
  vocabulary: Vocabulary,
  extras: VocabularyExtras = {},
): readonly string[] {
  const more = vocabulary === "category"
    ? extras.categories ?? []
    : vocabulary === "defect"
    ? extras.defectTypes ?? []
    : [];
  return more.length === 0 ? FIXED[vocabulary] : [
    ...new Set([...FIXED[vocabulary], ...more]),
  ];
}

/** Case and separators removed: `"F2-Resolve"` → `"f2resolve"`. */
function canonical(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/**
 * The known value `value` means when case and separators are ignored, or
 * `undefined` when it means none (or is already exact).
 */
export function foldEnumValue(
  value: string,
  known: readonly string[],
): string | undefined {
  if (known.includes(value)) return undefined;
  const key = canonical(value);
  if (key === "") return undefined;
  return known.find((k) => canonical(k) === key);
}

function fieldOf(
  data: Record<string, unknown>,
  name: string,
): string | undefined {
  if (Object.hasOwn(data, name)) return name;
  return Object.keys(data).find((k) => k.toLowerCase() === name);
}

/**
 * Folds the enum-like fields of a `step` answer to their known spelling.
 *
 * @returns a copy of `data` (or `data` itself when nothing changed) and one
 * description per folded value.
 */
export function repairEnums(
  step: PipelineStep,
  data: Record<string, unknown>,
): { data: Record<string, unknown>; repairs: string[] } {
  const fields = ENUM_FIELDS[step] ?? {};
  const repairs: string[] = [];
  let out = data;
  const fold = (
    target: Record<string, unknown>,
    key: string,
    vocabulary: Vocabulary,
    path: string,
  ): Record<string, unknown> => {
    const raw = target[key];
    if (typeof raw !== "string") return target;
    const folded = foldEnumValue(raw, FIXED[vocabulary]);
    if (folded === undefined) return target;
    repairs.push(
      `field '${path}' ${JSON.stringify(raw)} read as ${
        JSON.stringify(folded)
      }`,
    );
    return { ...target, [key]: folded };
  };
  for (const [name, vocabulary] of Object.entries(fields)) {
    const key = fieldOf(out, name);
    if (key !== undefined) out = fold(out, key, vocabulary, name);
  }
  if (step === "F5_REVIEW") {
    const key = fieldOf(out, "human_override");
    const override = key === undefined ? undefined : out[key];
    if (
      key !== undefined && typeof override === "object" && override !== null &&
      !Array.isArray(override)
    ) {
      const inner = override as Record<string, unknown>;
      const dt = fieldOf(inner, "defect_type");
      if (dt !== undefined) {
        const fixed = fold(inner, dt, "defect", "human_override.defect_type");
        if (fixed !== inner) out = { ...out, [key]: fixed };
      }
    }
  }
  return { data: out, repairs };
}
