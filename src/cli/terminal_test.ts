import assert from "node:assert/strict";
import { captureTerminal } from "../../tests/support/capture_terminal.ts";

const FORGED = "boom\x1b[2K\r\nRESULT: PASS (20/20 metrics within threshold)";
// deno-lint-ignore no-control-regex
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

Deno.test("an agent's error in a case-done event stays one escaped line", () => {
  const { terminal, stderr } = captureTerminal();
  terminal.progress({
    type: "case-done",
    caseId: "C1",
    path: [],
    completed: 1,
    total: 1,
    error: FORGED,
  });
  const lines = stderr().split("\n").filter((l) => l !== "");
  assert.deepEqual(lines, [
    "[1/1] C1 failed: boom\\u001b[2K\\r\\nRESULT: PASS (20/20 metrics within threshold)",
  ]);
});

Deno.test("notes, info, errors, reports and questions are written without raw control characters", async () => {
  const { terminal, stdout, stderr } = captureTerminal(
    false,
    () => Promise.resolve("y"),
  );
  terminal.progress({ type: "note", caseId: "C2", message: FORGED });
  terminal.progress({ type: "info", message: FORGED });
  terminal.error(`Cannot read\n${FORGED}`);
  terminal.out(`report line\n${FORGED}\n`);
  terminal.out(JSON.stringify({ error: "\u009b31m" }));
  await terminal.ask([FORGED]);
  for (const text of [stdout(), stderr()]) {
    assert.ok(!RAW_CONTROL.test(text), JSON.stringify(text));
  }
  assert.ok(stdout().endsWith('{"error":"\\u009b31m"}'));
  assert.equal(
    stderr().split("\n").filter((l) => l.startsWith("RESULT")).length,
    1,
    "only a question (a prompt shown to a person) keeps its line breaks",
  );
});
