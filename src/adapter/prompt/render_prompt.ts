/**
 * Prompt templates and rendering: one mustache template per step family plus
 * the calibration preamble, embedded in the program and replaceable file by
 * file with `--prompt-dir`.
 *
 * Rendering is strict where mustache is lenient: a tag the view does not have
 * (a misspelt key, a key from another version of the templates) is a
 * {@linkcode PromptTemplateError} instead of an empty string, so a template
 * cannot silently drop required data. Values are inserted verbatim (no HTML
 * escaping).
 *
 * @module
 */
// @ts-types="@types/mustache"
import Mustache from "mustache";
import { join } from "node:path";
import {
  type PipelineStep,
  STEP_INFO,
  type StepFamily,
} from "../../pipeline/step.ts";
import { PromptTemplateError } from "./prompt_template_error.ts";
import type { PromptView } from "./prompt_view.ts";
import preamble from "./templates/preamble.md" with { type: "text" };
import recall from "./templates/recall.md" with { type: "text" };
import triage from "./templates/triage.md" with { type: "text" };
import resolve from "./templates/resolve.md" with { type: "text" };
import investigate from "./templates/investigate.md" with { type: "text" };
import correlate from "./templates/correlate.md" with { type: "text" };
import review from "./templates/review.md" with { type: "text" };
import report from "./templates/report.md" with { type: "text" };

/** A template's name: a step family, or `preamble`. */
export type TemplateName = StepFamily | "preamble";

/** Every template name, in the order prompts use them. */
export const TEMPLATE_NAMES: readonly TemplateName[] = [
  "preamble",
  "recall",
  "triage",
  "resolve",
  "investigate",
  "correlate",
  "review",
  "report",
];

/** The templates embedded in the program, keyed by name. */
export const EMBEDDED_TEMPLATES: Readonly<Record<TemplateName, string>> = {
  preamble,
  recall,
  triage,
  resolve,
  investigate,
  correlate,
  review,
  report,
};

/** One loaded template. */
export interface PromptTemplate {
  readonly name: TemplateName;
  /** `embedded`, or the path of the file it was read from. */
  readonly source: string;
  /** Template text (mustache). */
  readonly text: string;
}

/** The templates a run renders prompts with. */
export type PromptTemplates = Readonly<Record<TemplateName, PromptTemplate>>;

export { PromptTemplateError } from "./prompt_template_error.ts";

/**
 * The marker that keeps `deno fmt` from reflowing a template (it would break
 * mustache sections); it is not part of the prompt.
 */
const FMT_IGNORE =
  /^<!--\s*deno-fmt-ignore-file\s*-->[ \t]*\r?\n(?:[ \t]*\r?\n)?/;

/** This module's own mustache writer: no global state is read or changed. */
const writer = new Mustache.Writer();

/** Inserts values verbatim: prompts are markdown, not HTML. */
const RENDER_CONFIG = { escape: (value: string): string => value };

function describe(template: PromptTemplate): string {
  return template.source === "embedded"
    ? `embedded template '${template.name}.md'`
    : `template '${template.source}'`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function prepare(
  name: TemplateName,
  source: string,
  raw: string,
): PromptTemplate {
  const template = { name, source, text: raw.replace(FMT_IGNORE, "") };
  try {
    writer.parse(template.text);
  } catch (error) {
    throw new PromptTemplateError(
      `Cannot use prompt ${describe(template)}: ${messageOf(error)}`,
      { cause: error },
    );
  }
  return template;
}

async function readOverride(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new PromptTemplateError(
      `Cannot read prompt template '${path}': ${messageOf(error)}`,
      { cause: error },
    );
  }
}

/**
 * Loads the prompt templates: the embedded ones, each replaced by
 * `<promptDir>/<name>.md` when that file exists (`recall.md` … `report.md`,
 * `preamble.md`).
 *
 * @param promptDir Directory of override templates (`--prompt-dir`).
 * @throws {PromptTemplateError} when `promptDir` is not a directory, an
 * override cannot be read (other than being absent), or a template does not
 * parse; the message names the path.
 */
export async function loadTemplates(
  promptDir?: string,
): Promise<PromptTemplates> {
  if (promptDir !== undefined) {
    let isDirectory: boolean;
    try {
      isDirectory = (await Deno.stat(promptDir)).isDirectory;
    } catch (error) {
      throw new PromptTemplateError(
        `Cannot read prompt directory '${promptDir}': ${messageOf(error)}`,
        { cause: error },
      );
    }
    if (!isDirectory) {
      throw new PromptTemplateError(
        `Cannot read prompt directory '${promptDir}': not a directory`,
      );
    }
  }
  const entries: [TemplateName, PromptTemplate][] = [];
  for (const name of TEMPLATE_NAMES) {
    const path = promptDir === undefined
      ? undefined
      : join(promptDir, `${name}.md`);
    const override = path === undefined ? undefined : await readOverride(path);
    entries.push([
      name,
      override === undefined || path === undefined
        ? prepare(name, "embedded", EMBEDDED_TEMPLATES[name])
        : prepare(name, path, override),
    ]);
  }
  return Object.fromEntries(entries) as Record<TemplateName, PromptTemplate>;
}

/** A parsed mustache token: `[type, value, start, end, children?, …]`. */
type Token = readonly [string, string, number, number, ...unknown[]];

/**
 * Walks the tokens the way mustache renders them and fails on the first tag
 * the view cannot resolve. Sections are checked for every item they render;
 * a section that renders nothing is not entered.
 */
function checkTags(
  template: PromptTemplate,
  tokens: readonly Token[],
  context: Mustache.Context,
): void {
  for (const token of tokens) {
    const [type, name] = token;
    if (type === ">") {
      throw new PromptTemplateError(
        `Cannot render prompt ${
          describe(template)
        }: partials ('{{> ${name}}}') are not supported`,
      );
    }
    if (type !== "name" && type !== "&" && type !== "#" && type !== "^") {
      continue;
    }
    const value: unknown = context.lookup(name);
    if (value === undefined) {
      throw new PromptTemplateError(
        `Cannot render prompt ${
          describe(template)
        }: the tag '${name}' names nothing in the prompt view`,
      );
    }
    const children = token[4] as readonly Token[];
    if (type === "#") {
      if (Array.isArray(value)) {
        for (const item of value) {
          checkTags(template, children, context.push(item));
        }
      } else if (value) {
        checkTags(
          template,
          children,
          typeof value === "object" || typeof value === "string" ||
            typeof value === "number"
            ? context.push(value)
            : context,
        );
      }
    } else if (type === "^") {
      if (!value || (Array.isArray(value) && value.length === 0)) {
        checkTags(template, children, context);
      }
    }
  }
}

function renderTemplate(template: PromptTemplate, view: PromptView): string {
  const tokens = writer.parse(template.text) as unknown as readonly Token[];
  checkTags(template, tokens, new Mustache.Context(view));
  return writer.render(template.text, view, {}, RENDER_CONFIG);
}

/**
 * Renders the prompt of `step`: the preamble, a `---` rule, then the step's
 * template, both filled from `view`.
 *
 * @throws {PromptTemplateError} when a template uses a tag the view does not
 * have, or `view` was built for another step.
 */
export function renderPrompt(
  templates: PromptTemplates,
  step: PipelineStep,
  view: PromptView,
): string {
  if (view.step !== step) {
    throw new PromptTemplateError(
      `Cannot render the ${step} prompt from a view built for ${view.step}`,
    );
  }
  const head = renderTemplate(templates.preamble, view).trimEnd();
  const body = renderTemplate(templates[STEP_INFO[step].family], view);
  return `${head}\n\n---\n\n${body.trimEnd()}\n`;
}
