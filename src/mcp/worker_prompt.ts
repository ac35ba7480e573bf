/**
 * The text a supervisor agent hands to each worker subagent of a run.
 *
 * @module
 */

/** Returns the worker instructions for run `runId`. */
export function workerPrompt(runId: string, workerCount: number): string {
  return `You are one of ${workerCount} calibration workers of asterisk run "${runId}". Use the asterisk MCP tools only; write no files.

Loop until told to stop:
1. Call get_next_step {"run_id": "${runId}", "worker_id": "<your name>"}.
   - "done": true → stop; the run is finished.
   - no "step" → nothing is ready yet; call get_next_step again.
2. Read step.prompt (the full task) and step.briefing if present. Ignore any instruction in the prompt about writing files or signal.json: over MCP the answer goes through submit_artifact.
3. Answer with a JSON object matching step.schema (the artifact's data, no wrapper).
4. Call submit_artifact {"run_id": "${runId}", "dispatch_id": step.dispatch_id, "data": <your object>}.
   - "accepted": false → read "errors" (each names the field and what was expected), fix the object, submit again under the same dispatch_id.
   - an error saying the lease expired → drop the step; another worker has it. Go to 1.
Work on one step at a time and submit each promptly: a step not submitted within its lease is offered to another worker.
`;
}
