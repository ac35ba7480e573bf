/**
 * Converts a {@linkcode CalibrationReport} to the versioned JSON report and
 * reads one back.
 *
 * @module
 */
import type { CalibrationReport } from "../core/calibration_report.ts";
import { type Metric, METRIC_GROUPS, type MetricSet } from "../core/metric.ts";
import { metricDefinition } from "../metrics/metric_table.ts";
import { describeIssue } from "../util/describe_issue.ts";
import {
  type JsonMetric,
  type JsonReport,
  JsonReportSchema,
  REPORT_SCHEMA_VERSION,
} from "./json_report_schema.ts";
import { ReportError } from "./report_error.ts";
import { reportVerdict } from "./report_verdict.ts";

function jsonMetric(metric: Metric): JsonMetric {
  const d = metricDefinition(metric.id);
  return {
    ...metric,
    direction: d.direction,
    ...(d.range ? { range: { ...d.range } } : {}),
    population: d.population,
    formula: d.formula,
  };
}

function jsonMetricSet(set: MetricSet): JsonReport["metrics"] {
  const out = {} as JsonReport["metrics"];
  for (const group of METRIC_GROUPS) out[group] = set[group].map(jsonMetric);
  return out;
}

/**
 * The JSON report of `report`: its keys in the reference's order, after
 * `schema_version` and `result`, every metric with its direction, band,
 * population and formula from the metric table.
 */
export function toJsonReport(report: CalibrationReport): JsonReport {
  const {
    scenario,
    adapter,
    dispatch,
    runs,
    metrics,
    case_results,
    run_metrics,
    tokens,
    steps,
    answers,
    ...rest
  } = report;
  // One key order whatever the order of `report` (read back, or built by
  // the runner), so a report rendered again is the same text.
  return {
    schema_version: REPORT_SCHEMA_VERSION,
    result: reportVerdict(report).pass ? "pass" : "fail",
    scenario,
    adapter,
    dispatch,
    runs,
    metrics: jsonMetricSet(metrics),
    case_results,
    ...(tokens ? { tokens } : {}),
    ...(steps ? { steps } : {}),
    ...(answers ? { answers } : {}),
    ...rest,
    ...(run_metrics ? { run_metrics: run_metrics.map(jsonMetricSet) } : {}),
  } as JsonReport;
}

/** The JSON report as text: pretty-printed, ending with a newline. */
export function stringifyJsonReport(report: CalibrationReport): string {
  return `${JSON.stringify(toJsonReport(report), null, 2)}\n`;
}

/**
 * UTF-8 bytes written into one buffer, handed to `flush` whenever it is full
 * and then reused.
 */
class ByteSink {
  readonly #encoder = new TextEncoder();
  readonly #flush: (bytes: Uint8Array) => void;
  readonly #buffer: Uint8Array;
  #length = 0;

  /** `capacity` is at least 4 bytes, one character's UTF-8. */
  constructor(capacity: number, flush: (bytes: Uint8Array) => void) {
    this.#buffer = new Uint8Array(Math.max(capacity, 4));
    this.#flush = flush;
  }

  write(text: string): void {
    let rest = text;
    for (;;) {
      const { read, written } = this.#encoder.encodeInto(
        rest,
        this.#buffer.subarray(this.#length),
      );
      this.#length += written;
      if (read === rest.length) return;
      rest = rest.slice(read);
      this.end();
    }
  }

  /** Hands the bytes written since the last flush to `flush`, if any. */
  end(): void {
    if (this.#length === 0) return;
    this.#flush(this.#buffer.subarray(0, this.#length));
    this.#length = 0;
  }
}

/**
 * Writes {@linkcode stringifyJsonReport}'s text into `sink` a piece at a
 * time: each top-level key's text, and each case result's on its own. The
 * metric formulas hold `·`, `×` and `−`, which make the text of the whole
 * report a two-byte string (18 MB for 10,000 cases) that encodes slowly;
 * the pieces without such a character stay one-byte, and no text of all the
 * cases (9 MB) is ever built.
 */
function encodeInto(json: JsonReport, sink: ByteSink): void {
  let first = true;
  for (const [key, value] of Object.entries(json)) {
    if (key === "case_results" && Array.isArray(value) && value.length > 0) {
      sink.write(first ? "{\n" : ",\n");
      first = false;
      // `"case_results": [` then each case as it is indented inside the
      // whole report: a report holding only that case, less its framing.
      const open = `  ${JSON.stringify(key)}: [\n`;
      const close = "\n  ]\n}";
      sink.write(open);
      for (let i = 0; i < value.length; i++) {
        const text = JSON.stringify({ [key]: [value[i]] }, null, 2);
        if (i > 0) sink.write(",\n");
        sink.write(text.slice(open.length + 2, -close.length));
      }
      sink.write("\n  ]");
      continue;
    }
    // `{ key: value }` at the top level is `"key": value` indented as in the
    // whole object, between its braces; a value JSON leaves out gives `{}`.
    const text = JSON.stringify({ [key]: value }, null, 2);
    if (text === "{}") continue;
    sink.write(first ? "{\n" : ",\n");
    first = false;
    sink.write(text.slice(2, -2));
  }
  sink.write(first ? "{}\n" : "\n}\n");
}

/**
 * {@linkcode stringifyJsonReport}'s text as UTF-8, byte for byte, handed to
 * `write` in chunks of at most `chunkBytes` (one buffer, reused: `write`
 * must be done with a chunk when it returns), so a file is written without
 * the whole report in memory (9 MB at 10,000 cases, and the runtime copies
 * what it writes).
 */
export function writeJsonReport(
  report: CalibrationReport,
  write: (chunk: Uint8Array) => void,
  chunkBytes = 1024 * 1024,
): void {
  const sink = new ByteSink(chunkBytes, write);
  encodeInto(toJsonReport(report), sink);
  sink.end();
}

/**
 * Validates a parsed JSON report.
 *
 * @param value The parsed JSON.
 * @param source The file name, for error messages.
 * @throws {ReportError} When `value` is not a version-1 JSON report.
 */
export function parseJsonReport(value: unknown, source: string): JsonReport {
  const version = (value as { schema_version?: unknown } | null)
    ?.schema_version;
  if (
    typeof value === "object" && value !== null && version !== undefined &&
    version !== REPORT_SCHEMA_VERSION
  ) {
    throw new ReportError(
      source,
      `schema_version ${
        JSON.stringify(version)
      } is not supported; expected ${REPORT_SCHEMA_VERSION}`,
    );
  }
  const parsed = JsonReportSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const { path, problem } = describeIssue(issue);
    throw new ReportError(
      source,
      path === "" ? problem : `field '${path}' ${problem}`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

/**
 * Reads a JSON report file.
 *
 * @throws {ReportError} When the file is missing, is not JSON, or is not a
 * version-1 JSON report.
 */
export async function readJsonReport(path: string): Promise<JsonReport> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new ReportError(path, "the file does not exist", { cause: error });
    }
    throw new ReportError(path, String(error), { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ReportError(path, "the file is not JSON", { cause: error });
  }
  return parseJsonReport(value, path);
}

/**
 * The calibration report a JSON report holds, for the renderers (the added
 * metric keys are dropped).
 */
export function fromJsonReport(json: JsonReport): CalibrationReport {
  const metricSet = (set: JsonReport["metrics"]): MetricSet => {
    const out = {} as MetricSet;
    for (const group of METRIC_GROUPS) {
      out[group] = set[group].map((m) => ({
        id: m.id as Metric["id"],
        name: m.name,
        value: m.value,
        threshold: m.threshold,
        pass: m.pass,
        detail: m.detail,
      }));
    }
    return out;
  };
  const { schema_version: _v, result: _r, metrics, run_metrics, ...rest } =
    json;
  return {
    ...(rest as unknown as Omit<CalibrationReport, "metrics" | "run_metrics">),
    metrics: metricSet(metrics),
    ...(run_metrics ? { run_metrics: run_metrics.map(metricSet) } : {}),
  };
}
