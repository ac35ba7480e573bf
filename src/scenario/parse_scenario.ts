/**
 * Validates scenario JSON: the zod schema, then cross references.
 *
 * @module
 */
import { type Scenario, ScenarioSchema } from "./scenario_schema.ts";
import { ScenarioError, type ScenarioProblem } from "./scenario_error.ts";
import { fastScenario } from "./scenario_fast_path.ts";
import { describeIssue } from "../util/describe_issue.ts";

function findDuplicates(
  keys: readonly string[],
  options: { path: string; key: "id" | "name" },
  problems: ScenarioProblem[],
): void {
  const { path, key } = options;
  const seen = new Map<string, number>();
  keys.forEach((value, index) => {
    const first = seen.get(value);
    if (first === undefined) seen.set(value, index);
    else {
      problems.push({
        path: `${path}[${index}].${key}`,
        problem:
          `duplicates ${key} '${value}' of ${path}[${first}]; expected unique ${key}s`,
      });
    }
  });
}

/** Known values of one kind: the list (for messages) and a set (to check). */
interface KnownValues {
  readonly list: readonly string[];
  readonly set: ReadonlySet<string>;
}

function knownValues(list: readonly string[]): KnownValues {
  return { list, set: new Set(list) };
}

function checkReference(
  value: string,
  knownValues: KnownValues,
  what: string,
  path: string,
  problems: ScenarioProblem[],
): void {
  if (value === "" || knownValues.set.has(value)) return;
  const known = knownValues.list;
  problems.push({
    path,
    problem: known.length === 0
      ? `names unknown ${what} '${value}'; the scenario defines no ${what}s`
      : `names unknown ${what} '${value}'; expected one of ${
        known.map((v) => `'${v}'`).join(", ")
      }`,
  });
}

function crossReferenceProblems(scenario: Scenario): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const repos = scenario.workspace.repos;
  const caseIds = scenario.cases.map((c) => c.id);
  const rcaIds = knownValues(scenario.rcas.map((r) => r.id));
  const symptomIds = knownValues(scenario.symptoms.map((s) => s.id));
  const repoNames = knownValues(repos.map((r) => r.name));
  findDuplicates(caseIds, { path: "cases", key: "id" }, problems);
  findDuplicates(rcaIds.list, { path: "rcas", key: "id" }, problems);
  findDuplicates(symptomIds.list, { path: "symptoms", key: "id" }, problems);
  findDuplicates(
    repoNames.list,
    { path: "workspace.repos", key: "name" },
    problems,
  );

  scenario.symptoms.forEach((symptom, i) =>
    checkReference(
      symptom.maps_to_rca,
      rcaIds,
      "RCA",
      `symptoms[${i}].maps_to_rca`,
      problems,
    )
  );
  scenario.rcas.forEach((rca, i) =>
    rca.relevant_repos.forEach((name, k) =>
      checkReference(
        name,
        repoNames,
        "repo",
        `rcas[${i}].relevant_repos[${k}]`,
        problems,
      )
    )
  );
  repos.forEach((repo, i) =>
    repo.relevant_to_rcas.forEach((id, k) =>
      checkReference(
        id,
        rcaIds,
        "RCA",
        `workspace.repos[${i}].relevant_to_rcas[${k}]`,
        problems,
      )
    )
  );
  scenario.cases.forEach((c, i) => {
    checkReference(c.rca_id, rcaIds, "RCA", `cases[${i}].rca_id`, problems);
    checkReference(
      c.symptom_id,
      symptomIds,
      "symptom",
      `cases[${i}].symptom_id`,
      problems,
    );
    c.expected_triage?.candidate_repos.forEach((name, k) =>
      checkReference(
        name,
        repoNames,
        "repo",
        `cases[${i}].expected_triage.candidate_repos[${k}]`,
        problems,
      )
    );
    c.expected_resolve?.selected_repos.forEach((repo, k) =>
      checkReference(
        repo.name,
        repoNames,
        "repo",
        `cases[${i}].expected_resolve.selected_repos[${k}].name`,
        problems,
      )
    );
  });
  return problems;
}

/** Deepest nesting of arrays and objects a scenario may have. */
export const MAX_SCENARIO_DEPTH = 64;

/** Thrown by {@linkcode dropNulls} when the value nests too deep. */
class TooDeep extends Error {}

/**
 * Drops `null`-valued object keys, recursively: the Go version exports empty
 * lists as `null` and reads `null` as the zero value, and so do we. The same
 * walk checks the nesting: `value` is at `depth` (1 for the file's object),
 * and past {@linkcode MAX_SCENARIO_DEPTH} levels it throws `TooDeep` (so the
 * recursion stays shallow).
 */
function dropNulls(value: unknown, depth: number): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (depth > MAX_SCENARIO_DEPTH) throw new TooDeep();
  // Copy on write: a subtree without nulls is returned as it is. Strings and
  // numbers (most values) are kept without a call, and an object's keys are
  // walked with `for…in` (parsed JSON has no inherited keys) instead of an
  // array of them.
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const kept = typeof item === "object" && item !== null
        ? dropNulls(item, depth + 1)
        : item;
      if (kept !== item) {
        out ??= value.slice(0, i);
      }
      if (out !== undefined) out.push(kept);
    }
    return out ?? value;
  }
  const record = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  let i = 0;
  for (const key in record) {
    const item = record[key];
    const kept = item === null
      ? undefined
      : typeof item === "object"
      ? dropNulls(item, depth + 1)
      : item;
    if (out === undefined && kept !== item) {
      out = Object.fromEntries(
        Object.keys(record).slice(0, i).map((k) => [k, record[k]]),
      );
    }
    if (out !== undefined && item !== null) out[key] = kept;
    i++;
  }
  return out ?? value;
}

/** `input` validated by the zod schema, whose issues name every problem. */
function schemaScenario(input: unknown, source: string): Scenario {
  const result = ScenarioSchema.safeParse(input, { reportInput: true });
  if (!result.success) {
    throw new ScenarioError(
      source,
      result.error.issues.map((issue) => describeIssue(issue)),
      { cause: result.error },
    );
  }
  return result.data;
}

/**
 * Validates `value` (parsed JSON) as a scenario. `null` values take the
 * field's zero value, as in the Go version. `source` names the file or
 * built-in scenario in error messages.
 *
 * @throws {ScenarioError} listing every schema and cross-reference problem,
 * or when the value nests deeper than {@linkcode MAX_SCENARIO_DEPTH} levels.
 */
export function parseScenario(value: unknown, source: string): Scenario {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ScenarioError(source, [{
      path: "",
      problem: "the file must hold a JSON object",
    }]);
  }
  let input: unknown;
  try {
    input = dropNulls(value, 1);
  } catch (error) {
    if (!(error instanceof TooDeep)) throw error;
    throw new ScenarioError(source, [{
      path: "",
      problem:
        `arrays and objects nest deeper than ${MAX_SCENARIO_DEPTH} levels; expected a scenario in the Go asterisk format`,
    }]);
  }
  const scenario = fastScenario(input) ?? schemaScenario(input, source);
  const problems = crossReferenceProblems(scenario);
  if (problems.length > 0) throw new ScenarioError(source, problems);
  return scenario;
}
