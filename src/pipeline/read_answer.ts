/**
 * Reads an agent's answer as LLMs write it. Every transport (file,
 * batch-file, stdin, MCP) passes the raw text here before validation, so the
 * same repairs apply everywhere and each is recorded:
 *
 * - `bom`: a byte-order mark before the JSON;
 * - `code-fence`: the JSON inside a Markdown code fence;
 * - `prose`: the JSON object surrounded by other text;
 * - `unwrapped`: a `{dispatch_id, data}` wrapper where the bare answer was
 *   expected (its `data` is taken);
 * - `wrapped`: a bare answer where the wrapper was expected (the dispatch id
 *   is then unknown);
 * - `enum`: an enum value differing from a known one only in case or
 *   separators (`"Approve"`, `"f2-resolve"`, `"PB-001"`).
 *
 * What cannot be repaired is a problem the transport reports as before.
 *
 * @module
 */
import type { PipelineStep } from "./step.ts";
import { repairEnums } from "./answer_vocabulary.ts";

/** Which repair was applied. */
export type RepairKind =
  | "bom"
  | "code-fence"
  | "prose"
  | "unwrapped"
  | "wrapped"
  | "enum";

/** One repair of an answer. */
export interface AnswerRepair {
  /** Which repair. */
  readonly kind: RepairKind;
  /** What was repaired, e.g. `field 'decision' "Approve" read as "approve"`. */
  readonly detail: string;
}

/** Where the answer sits in the text the agent writes. */
export type AnswerForm = "wrapper" | "bare";

/** Options of {@linkcode readAnswer}. */
export interface ReadAnswerOptions {
  /** `wrapper` (file protocol) or `bare` (stdin, MCP tool argument). */
  readonly form: AnswerForm;
  /** The step answered; enables the enum repairs. */
  readonly step?: PipelineStep;
}

/** What is wrong with an answer that cannot be read. */
export type AnswerProblem =
  | "invalid-json"
  | "not-object"
  | "dispatch-id"
  | "data";

/** Result of {@linkcode readAnswer}. */
export type AnswerReading =
  | {
    readonly ok: true;
    /** The step payload (the wrapper's `data`, or the bare answer). */
    readonly data: unknown;
    /** The wrapper's `dispatch_id`; absent for a bare answer. */
    readonly dispatchId?: number;
    /** Repairs applied, in order; empty when taken as written. */
    readonly repairs: readonly AnswerRepair[];
  }
  | {
    readonly ok: false;
    readonly problem: AnswerProblem;
    /** What is wrong, e.g. `field 'data' must not be null`. */
    readonly message: string;
    /** The wrapper's `dispatch_id`, when it is a valid integer. */
    readonly dispatchId?: number;
    /** The underlying error (the `SyntaxError` of invalid JSON). */
    readonly cause?: unknown;
  };

const BOM = "\uFEFF";
const FENCE = /```[^\n`]*\n([\s\S]*?)```/g;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Parses `text` as JSON, falling back to a fenced block, then to `{…}`. */
function parseLenient(
  text: string,
  repairs: AnswerRepair[],
): { ok: true; value: unknown } | { ok: false; cause: unknown } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (cause) {
    for (const match of text.matchAll(FENCE)) {
      const inner = tryParse(match[1]);
      if (inner.ok && isObject(inner.value)) {
        repairs.push({
          kind: "code-fence",
          detail: "JSON read from inside a Markdown code fence",
        });
        return inner;
      }
    }
    // First '{' to last '}': a half-written object never parses this way,
    // so a file still being written is not mistaken for an answer.
    const start = text.indexOf("{");
    const end = text.lastIndexOf("}");
    if (start >= 0 && end > start) {
      const inner = tryParse(text.slice(start, end + 1));
      if (inner.ok && isObject(inner.value)) {
        repairs.push({
          kind: "prose",
          detail:
            `JSON object read from text with ${start} characters before and ${
              text.length - end - 1
            } after it`,
        });
        return inner;
      }
    }
    return { ok: false, cause };
  }
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

function isWrapper(value: Record<string, unknown>): boolean {
  return "dispatch_id" in value && "data" in value;
}

/**
 * Reads `text` as an answer of the given form, applying and recording the
 * repairs listed in the module documentation.
 *
 * @example
 * ```ts
 * import { readAnswer } from "./read_answer.ts";
 * import assert from "node:assert/strict";
 *
 * const fence = "`".repeat(3); // an answer wrapped in a markdown code fence
 * const reading = readAnswer(`${fence}json\n{"decision": "Approve"}\n${fence}`, {
 *   form: "bare",
 *   step: "F5_REVIEW",
 * });
 * assert.ok(reading.ok);
 * // reading.data = { decision: "approve" }; reading.repairs: code-fence, enum
 * ```
 */
export function readAnswer(
  text: string,
  options: ReadAnswerOptions,
): AnswerReading {
  const repairs: AnswerRepair[] = [];
  let body = text;
  if (body.startsWith(BOM)) {
    body = body.slice(BOM.length);
    repairs.push({ kind: "bom", detail: "byte-order mark removed" });
  }
  const parsed = parseLenient(body, repairs);
  if (!parsed.ok) {
    return {
      ok: false,
      problem: "invalid-json",
      message: `invalid JSON: ${(parsed.cause as Error).message}`,
      cause: parsed.cause,
    };
  }
  const value = parsed.value;
  if (!isObject(value)) {
    return {
      ok: false,
      problem: "not-object",
      message: options.form === "wrapper"
        ? `expected a JSON object with 'dispatch_id' and 'data', found ${
          describeValue(value)
        }`
        : `expected the answer as a JSON object, found ${describeValue(value)}`,
    };
  }
  let data: unknown = value;
  let dispatchId: number | undefined;
  if (isWrapper(value) || (options.form === "wrapper" && "data" in value)) {
    const id = value.dispatch_id;
    if (!Number.isSafeInteger(id)) {
      return {
        ok: false,
        problem: "dispatch-id",
        message: "dispatch_id" in value
          ? `field 'dispatch_id' must be an integer, found ${
            JSON.stringify(id)
          }`
          : "field 'dispatch_id' is missing; expected an integer",
      };
    }
    dispatchId = id as number;
    if (value.data === null || value.data === undefined) {
      return {
        ok: false,
        problem: "data",
        message: value.data === null
          ? "field 'data' must not be null; expected the step payload"
          : "field 'data' is missing; expected the step payload",
        dispatchId,
      };
    }
    data = value.data;
    if (options.form === "bare") {
      repairs.push({
        kind: "unwrapped",
        detail: `answer read from the 'data' of a {dispatch_id, data} wrapper`,
      });
    }
  } else if (options.form === "wrapper") {
    if ("dispatch_id" in value) {
      return {
        ok: false,
        problem: "data",
        message: "field 'data' is missing; expected the step payload",
        ...(Number.isSafeInteger(value.dispatch_id)
          ? { dispatchId: value.dispatch_id as number }
          : {}),
      };
    }
    repairs.push({
      kind: "wrapped",
      detail: "bare answer without the {dispatch_id, data} wrapper",
    });
  }
  if (options.step !== undefined && isObject(data)) {
    const fixed = repairEnums(options.step, data);
    data = fixed.data;
    for (const detail of fixed.repairs) repairs.push({ kind: "enum", detail });
  }
  return {
    ok: true,
    data,
    ...(dispatchId === undefined ? {} : { dispatchId }),
    repairs,
  };
}
