/**
 * Turns zod issues into std-style problem descriptions that name the JSON
 * path and what was expected, e.g. `field 'cases[2].rca_id' must be a string`.
 *
 * @module
 */
import type { z } from "zod";

/** One validation problem: where it is and what was expected. */
export interface IssueDescription {
  /** JSON path such as `cases[2].expected_path[0]` (empty for the root). */
  readonly path: string;
  /** What is wrong, e.g. `must be a string` or `is missing; expected a number`. */
  readonly problem: string;
}

const ARTICLES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "a boolean",
  array: "an array",
  object: "an object",
  null: "null",
};

function expectedText(expected: string): string {
  return ARTICLES[expected] ?? expected;
}

/**
 * Formats a JSON path (`["cases", 2, "rca_id"]` → `cases[2].rca_id`),
 * optionally under a prefix (`data` → `data.cases[2].rca_id`).
 */
export function formatJsonPath(
  path: readonly PropertyKey[],
  prefix = "",
): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

function describeType(issue: z.core.$ZodIssueInvalidType): string {
  const expected = expectedText(issue.expected);
  if (issue.input === undefined) return `is missing; expected ${expected}`;
  if (issue.expected === "int") return "must be an integer";
  return `must be ${expected}`;
}

function describeUnion(issue: z.core.$ZodIssueInvalidUnion): string {
  const options = issue.errors
    .map((branch) => branch[0])
    .filter((first) =>
      first?.code === "invalid_type" && first.path.length === 0
    )
    .map((first) =>
      expectedText((first as z.core.$ZodIssueInvalidType).expected)
    );
  if (options.length === 0) return "does not match any accepted form";
  return `must be ${options.join(" or ")}`;
}

function describeSize(
  issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig,
): string {
  const small = issue.code === "too_small";
  const bound = small
    ? (issue as z.core.$ZodIssueTooSmall).minimum
    : (issue as z.core.$ZodIssueTooBig).maximum;
  switch (issue.origin) {
    case "array":
      return small
        ? `must list at least ${bound} item${bound === 1 ? "" : "s"}`
        : `must list at most ${bound} items`;
    case "string":
      return small && bound === 1
        ? "must be a non-empty string"
        : `must be ${small ? "at least" : "at most"} ${bound} characters long`;
    default:
      return `must be ${small ? "at least" : "at most"} ${bound}`;
  }
}

/** Returns true when a schema author supplied the issue's message. */
function hasCustomMessage(issue: z.core.$ZodIssue): boolean {
  return !/^(Invalid|Too (small|big))/.test(issue.message);
}

/** Describes one zod issue. Parse with `reportInput: true` to tell missing from wrong. */
export function describeIssue(
  issue: z.core.$ZodIssue,
  pathPrefix = "",
): IssueDescription {
  const path = formatJsonPath(issue.path, pathPrefix);
  if (hasCustomMessage(issue)) return { path, problem: issue.message };
  switch (issue.code) {
    case "invalid_type":
      return { path, problem: describeType(issue) };
    case "invalid_value":
      return {
        path,
        problem: `must be one of ${
          issue.values.map((v) => `'${String(v)}'`).join(", ")
        }`,
      };
    case "invalid_union":
      return { path, problem: describeUnion(issue) };
    case "too_small":
    case "too_big":
      return { path, problem: describeSize(issue) };
    default:
      return { path, problem: issue.message };
  }
}
