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

/** Problems spelled out in a message; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 50;

/**
 * A scenario file is missing, is not JSON, or breaks the schema. The message
 * has one line per problem, each naming the file, the JSON path and what was
 * expected — at most {@linkcode MAX_LISTED_PROBLEMS}, then a count of the
 * rest ({@linkcode ScenarioError.problems} keeps them all).
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
    const lines = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) =>
      p.path === ""
        ? `Cannot load scenario '${source}': ${p.problem}`
        : `Cannot load scenario '${source}': field '${p.path}' ${p.problem}`
    );
    const rest = problems.length - lines.length;
    if (rest > 0) {
      lines.push(
        `Cannot load scenario '${source}': ${rest} more problem${
          rest === 1 ? "" : "s"
        } not shown`,
      );
    }
    super(lines.join("\n"), options);
    this.name = "ScenarioError";
    this.source = source;
    this.problems = problems;
  }
}
