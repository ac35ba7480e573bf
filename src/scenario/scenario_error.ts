/**
 * The error raised when a scenario cannot be loaded.
 *
 * @module
 */

/** One problem found in a scenario: the JSON path and what was expected. */
export interface ScenarioProblem {
  /** JSON path such as `cases[2].rca_id` (empty for the whole file). */
  readonly path: string;
  /** What is wrong, e.g. `must be a string`. */
  readonly problem: string;
}

/**
 * A scenario file is missing, is not JSON, or breaks the schema. The message
 * has one line per problem, each naming the file, the JSON path and what was
 * expected.
 */
export class ScenarioError extends Error {
  /** The scenario's name or path. */
  readonly source: string;
  /** Every problem found. */
  readonly problems: readonly ScenarioProblem[];

  /** Creates a scenario error listing `problems` found in `source`. */
  constructor(
    source: string,
    problems: readonly ScenarioProblem[],
    options?: ErrorOptions,
  ) {
    super(
      problems.map((p) =>
        p.path === ""
          ? `Cannot load scenario '${source}': ${p.problem}`
          : `Cannot load scenario '${source}': field '${p.path}' ${p.problem}`
      ).join("\n"),
      options,
    );
    this.name = "ScenarioError";
    this.source = source;
    this.problems = problems;
  }
}
