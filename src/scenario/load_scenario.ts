/**
 * Loads a scenario by built-in name or from a JSON file.
 *
 * @module
 */
import { BUILTIN_SCENARIOS } from "./builtin_scenarios.ts";
import { parseScenario } from "./parse_scenario.ts";
import { ScenarioError } from "./scenario_error.ts";
import type { Scenario } from "./scenario_schema.ts";

/** Options of {@linkcode loadScenario}. */
export interface LoadScenarioOptions {
  /**
   * Reads a scenario file (its text, BOM or not).
   *
   * @default {strict UTF-8 decoding of Deno.readFile}
   */
  readTextFile?: (path: string) => Promise<string>;
}

/** Returns true when `value` looks like a file path rather than a built-in name. */
function isPath(value: string): boolean {
  return value.endsWith(".json") || value.includes("/") ||
    value.includes("\\");
}

/**
 * Reads `path` as strict UTF-8: invalid bytes are an error, not `\uFFFD`.
 * The lenient decoder is 4× faster; only a text holding `\uFFFD` (an invalid
 * byte, or that character written in the file) is read and decoded again
 * strictly. `Deno.readTextFile` decodes outside the JavaScript heap: read as
 * bytes, a 15 MB scenario's buffer stayed in memory until the first full
 * collection, well into the run.
 */
async function readUtf8File(path: string): Promise<string> {
  const text = await Deno.readTextFile(path);
  if (!text.includes("\uFFFD")) return text;
  const bytes = await Deno.readFile(path);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw new ScenarioError(path, [{
      path: "",
      problem: "the file is not valid UTF-8; expected UTF-8 JSON text",
    }], { cause: error });
  }
}

async function readScenarioFile(
  path: string,
  readTextFile: (path: string) => Promise<string>,
): Promise<string> {
  try {
    // A byte-order mark is allowed and dropped.
    return (await readTextFile(path)).replace(/^\uFEFF/, "");
  } catch (error) {
    if (error instanceof ScenarioError) throw error;
    const reason = error instanceof Deno.errors.NotFound
      ? "file not found"
      : error instanceof Deno.errors.NotCapable ||
          error instanceof Deno.errors.PermissionDenied
      ? "read permission denied (run with --allow-read for this path)"
      : `cannot read the file (${(error as Error).message})`;
    throw new ScenarioError(path, [{ path: "", problem: reason }], {
      cause: error,
    });
  }
}

/**
 * Loads the scenario named `nameOrPath`: a built-in name such as `ptp-mock`,
 * or a path to a JSON file in the Go asterisk format.
 *
 * @throws {ScenarioError} when the name is unknown, the file is unreadable or
 * not JSON, or the content is invalid (one problem per line).
 */
export async function loadScenario(
  nameOrPath: string,
  options: LoadScenarioOptions = {},
): Promise<Scenario> {
  const builtin = Object.hasOwn(BUILTIN_SCENARIOS, nameOrPath)
    ? BUILTIN_SCENARIOS[nameOrPath]
    : undefined;
  if (builtin !== undefined) return parseScenario(builtin, nameOrPath);
  if (!isPath(nameOrPath)) {
    const names = Object.keys(BUILTIN_SCENARIOS).map((n) => `'${n}'`);
    throw new ScenarioError(nameOrPath, [{
      path: "",
      problem: `no built-in scenario has this name; expected one of ${
        names.join(", ")
      } or a path to a JSON file`,
    }]);
  }
  const text = await readScenarioFile(
    nameOrPath,
    options.readTextFile ?? readUtf8File,
  );
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(nameOrPath, [{
      path: "",
      problem: `the file is not valid JSON (${(error as Error).message})`,
    }], { cause: error });
  }
  return parseScenario(value, nameOrPath);
}
