/**
 * A digest of a calibration's JSON report: the report with its run-dependent
 * fields (timings, token wall clocks) left out, canonicalised (object keys
 * sorted) and hashed with SHA-256. Two runs with equal digests wrote equal
 * reports.
 *
 * @module
 */
import type { CalibrationReport } from "../../src/core/calibration_report.ts";
import { toJsonReport } from "../../src/report/json_report.ts";

/** Top-level report keys whose values depend on the run, not the scenario. */
const RUN_DEPENDENT_KEYS: ReadonlySet<string> = new Set(["tokens"]);

/** `value` as JSON with every object's keys sorted. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
        a < b ? -1 : a > b ? 1 : 0
      ),
    );
  });
}

/** The JSON report of `report` without run-dependent fields, canonicalised. */
export function canonicalReport(report: CalibrationReport): string {
  const json = toJsonReport(report) as unknown as Record<string, unknown>;
  const kept = Object.fromEntries(
    Object.entries(json).filter(([key]) => !RUN_DEPENDENT_KEYS.has(key)),
  );
  return canonicalJson(kept);
}

/**
 * {@linkcode canonicalReport} with store RCA ids numbered by first appearance
 * in the case results: runners that create RCAs in another order (parallel
 * slots) but link the same cases together compare equal.
 */
export function comparableReport(report: CalibrationReport): string {
  const numbers = new Map<number, number>();
  const renumber = (id: number) => {
    if (id === 0) return 0;
    if (!numbers.has(id)) numbers.set(id, numbers.size + 1);
    return numbers.get(id)!;
  };
  return canonicalReport({
    ...report,
    case_results: report.case_results.map((r) => ({
      ...r,
      actual_rca_id: renumber(r.actual_rca_id),
    })),
  });
}

/** The SHA-256 (hex) of {@linkcode canonicalReport}. */
export async function reportDigest(report: CalibrationReport): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalReport(report));
  const hash = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(
    new Uint8Array(hash),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}
