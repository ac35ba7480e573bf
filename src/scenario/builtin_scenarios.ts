/**
 * Scenarios embedded in the program (they work from a compiled binary).
 *
 * @module
 */
import ptpMock from "./data/ptp_mock.json" with { type: "json" };

/** Raw JSON of each built-in scenario, keyed by the name `--scenario` takes. */
export const BUILTIN_SCENARIOS: Readonly<Record<string, unknown>> = {
  "ptp-mock": ptpMock,
};
