import assert from "node:assert/strict";
import { stringifyJsonReport, writeJsonReport } from "./json_report.ts";
import type { CalibrationReport } from "../core/calibration_report.ts";
import { sampleReport } from "../../tests/support/sample_report.ts";

function assertSameBytes(report: CalibrationReport, label: string): void {
  const text = stringifyJsonReport(report);
  const bytes = new TextEncoder().encode(text);
  for (const chunkBytes of [4, 7, 1000, undefined]) {
    const chunks: Uint8Array[] = [];
    // Each chunk is copied: the writer reuses its buffer.
    writeJsonReport(report, (chunk) => chunks.push(chunk.slice()), chunkBytes);
    assert.ok(
      chunks.every((c) => c.length <= (chunkBytes ?? 1024 * 1024)),
      `${label}: chunk of ${chunkBytes}`,
    );
    const joined = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      joined.set(chunk, at);
      at += chunk.length;
    }
    assert.deepEqual(joined, bytes, `${label}: chunks of ${chunkBytes}`);
  }
}

Deno.test("writeJsonReport writes the UTF-8 of stringifyJsonReport, byte for byte, in chunks of any size", async () => {
  const report = await sampleReport();
  assertSameBytes(report, "ptp-mock");
  // Optional keys absent, undefined or present; non-ASCII text in a case.
  const { tokens: _t, answers: _a, ...bare } = report;
  assertSameBytes(bare as CalibrationReport, "without tokens and answers");
  assertSameBytes(
    { ...report, tokens: undefined } as CalibrationReport,
    "tokens undefined",
  );
  const [first, ...rest] = report.case_results;
  assertSameBytes(
    {
      ...report,
      case_results: [{ ...first, test_name: "naïve → “quoted” ✓" }, ...rest],
    },
    "non-ASCII case text",
  );
  assertSameBytes({ ...report, case_results: [] }, "no cases");
  // More text than the buffer reserved for the cases: it grows, mid-piece.
  assertSameBytes(
    {
      ...report,
      case_results: [{ ...first, test_name: "✓".repeat(60_000) }, ...rest],
    },
    "a case larger than the buffer",
  );
});
