import assert from "node:assert/strict";
import { join } from "node:path";
import { call, caseLines, httpFixture, stubReport } from "./_mcp_support.ts";
import { runGroundTruthWorker } from "../../src/mcp/ground_truth_worker.ts";
import type { OfferedStep } from "../../src/mcp/mcp_dispatcher.ts";
import { CalibrationHub } from "../../src/mcp/calibration_hub.ts";
import { serveHttp } from "../../src/mcp/serve_http.ts";
import { loadScenario } from "../../src/scenario/load_scenario.ts";
import { FakeTime } from "../../src/util/fake_time.ts";
import { withTempDir } from "../support/temp_dir.ts";

const TOOLS = [
  "get_briefing",
  "get_next_step",
  "get_report",
  "get_status",
  "start_calibration",
  "submit_artifact",
];

Deno.test("over HTTP the server lists the six calibration tools", async () => {
  await withTempDir(async (dir) => {
    await using fx = await httpFixture({ root: dir });
    const client = await fx.client();
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t: { name: string }) => t.name).sort(), TOOLS);
    const next = tools.find((t: { name: string }) =>
      t.name === "get_next_step"
    )!;
    assert.deepEqual(
      Object.keys(next.inputSchema.properties ?? {}).sort(),
      ["run_id", "wait_ms", "worker_id"],
    );
  });
});

Deno.test("over HTTP 8 concurrent workers finish ptp-mock: no step lost or accepted twice, per-case lines equal the stub", async () => {
  await withTempDir(async (dir) => {
    const stub = await stubReport(dir);
    await using fx = await httpFixture({ root: join(dir, "mcp") });
    const supervisor = await fx.client();
    const started = await call<
      {
        run_id: string;
        total_cases: number;
        worker_count: number;
        worker_prompt: string;
      }
    >(supervisor, "start_calibration", { scenario: "ptp-mock", parallel: 8 });
    assert.equal(started.total_cases, 12);
    assert.equal(started.worker_count, 8);
    assert.match(started.worker_prompt, new RegExp(started.run_id));
    const scenario = await loadScenario("ptp-mock");
    const accepted: OfferedStep[] = [];
    const counts = await Promise.all(
      Array.from({ length: 8 }, async (_, i) =>
        runGroundTruthWorker({
          client: await fx.client(),
          runId: started.run_id,
          workerId: `w${i}`,
          scenario,
          onStep: (step) => accepted.push(step),
        })),
    );
    const status = await call<
      {
        state: string;
        steps_done: number;
        cases_done: number;
        workers: { worker_id: string; steps: number }[];
      }
    >(supervisor, "get_status", { run_id: started.run_id });
    assert.equal(status.state, "done");
    assert.equal(status.cases_done, 12);
    const ids = accepted.map((s) => s.dispatch_id);
    assert.equal(new Set(ids).size, ids.length, "a dispatch id accepted twice");
    assert.equal(status.steps_done, ids.length);
    assert.equal(counts.reduce((a, b) => a + b, 0), ids.length);
    assert.deepEqual(
      status.workers.filter((w) => w.worker_id.startsWith("w"))
        .reduce((n, w) => n + w.steps, 0),
      ids.length,
    );
    const report = JSON.parse(
      await call<string>(supervisor, "get_report", {
        run_id: started.run_id,
        format: "json",
      }),
    );
    assert.equal(report.tokens.total_steps, ids.length, "a step was lost");
    assert.deepEqual(caseLines(report), caseLines(stub));
    const text = await call<string>(supervisor, "get_report", {
      run_id: started.run_id,
      format: "text",
    });
    assert.match(text, /RESULT: PASS \(20\/20 metrics within threshold\)/);
  });
});

Deno.test("over HTTP an invalid submission is refused naming the field, and the corrected one is accepted", async () => {
  await withTempDir(async (dir) => {
    await using fx = await httpFixture({ root: dir });
    const client = await fx.client();
    const { run_id } = await call<{ run_id: string }>(
      client,
      "start_calibration",
      { scenario: "ptp-mock", parallel: 1 },
    );
    const next = await call<{ done: boolean; step: OfferedStep }>(
      client,
      "get_next_step",
      { run_id },
    );
    assert.equal(next.step.step, "F0_RECALL");
    assert.match(next.step.prompt, /Calibration mode/);
    assert.equal(next.step.schema.type, "object");
    const bad = await call<{ accepted: boolean; errors: string[] }>(
      client,
      "submit_artifact",
      { run_id, dispatch_id: next.step.dispatch_id, data: { confidence: 5 } },
    );
    assert.equal(bad.accepted, false);
    assert.match(
      bad.errors.join(" "),
      /field 'data\.confidence' must be a number between 0 and 1/,
    );
    const good = await call<{ accepted: boolean }>(client, "submit_artifact", {
      run_id,
      dispatch_id: next.step.dispatch_id,
      data: { match: false, confidence: 0.5 },
    });
    assert.equal(good.accepted, true);
    const again = await call<{ accepted: boolean; errors: string[] }>(
      client,
      "submit_artifact",
      { run_id, dispatch_id: next.step.dispatch_id, data: { match: false } },
    );
    assert.equal(again.accepted, false);
    assert.match(again.errors[0], /already accepted/);
  });
});

Deno.test("over HTTP an expired lease re-offers the step and the late submission is refused", async () => {
  await withTempDir(async (dir) => {
    const time = new FakeTime();
    await using fx = await httpFixture({
      root: dir,
      leaseMs: 60_000,
      clock: time,
    });
    const slow = await fx.client();
    const fast = await fx.client();
    const { run_id } = await call<{ run_id: string }>(
      slow,
      "start_calibration",
      { scenario: "ptp-mock", parallel: 1 },
    );
    const first = await call<{ step: OfferedStep }>(slow, "get_next_step", {
      run_id,
      worker_id: "slow",
    });
    time.tick(60_000);
    const second = await call<{ step: OfferedStep }>(fast, "get_next_step", {
      run_id,
      worker_id: "fast",
    });
    assert.equal(second.step.case_id, first.step.case_id);
    assert.equal(second.step.step, first.step.step);
    assert.notEqual(second.step.dispatch_id, first.step.dispatch_id);
    const late = await call<{ accepted: boolean; errors: string[] }>(
      slow,
      "submit_artifact",
      { run_id, dispatch_id: first.step.dispatch_id, data: { match: false } },
    );
    assert.equal(late.accepted, false);
    assert.match(
      late.errors[0],
      new RegExp(`lease expired.*dispatch_id ${second.step.dispatch_id}`),
    );
    const ok = await call<{ accepted: boolean }>(fast, "submit_artifact", {
      run_id,
      dispatch_id: second.step.dispatch_id,
      data: { match: false },
    });
    assert.equal(ok.accepted, true);
    const status = await call<
      {
        expired_leases: number;
        workers: { worker_id: string; steps: number }[];
      }
    >(fast, "get_status", { run_id });
    assert.equal(status.expired_leases, 1);
    assert.deepEqual(
      status.workers.map((w) => [w.worker_id, w.steps]),
      [["slow", 0], ["fast", 1]],
    );
  });
});

Deno.test("an unknown run id is a tool error naming what was expected", async () => {
  await withTempDir(async (dir) => {
    await using fx = await httpFixture({ root: dir });
    const client = await fx.client();
    const result = await client.callTool({
      name: "get_status",
      arguments: { run_id: "nope" },
    });
    assert.equal(result.isError, true);
    assert.match(
      JSON.stringify(result.content),
      /Unknown run_id 'nope': expected one returned by start_calibration/,
    );
    const outside = await client.callTool({
      name: "start_calibration",
      arguments: { scenario: "ptp-mock", run_dir: "../escape" },
    });
    assert.equal(outside.isError, true);
    assert.match(
      JSON.stringify(outside.content),
      /inside the server's run root/,
    );
  });
});

/** Sends a raw HTTP/1.1 request (to control the Host header) and returns the status. */
async function rawStatus(url: string, host: string): Promise<number> {
  const { hostname, port, pathname } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  try {
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "raw", version: "1" },
      },
    });
    const request = [
      `POST ${pathname} HTTP/1.1`,
      `Host: ${host}`,
      "Content-Type: application/json",
      "Accept: application/json, text/event-stream",
      `Content-Length: ${new TextEncoder().encode(body).length}`,
      "Connection: close",
      "",
      body,
    ].join("\r\n");
    await conn.write(new TextEncoder().encode(request));
    const buffer = new Uint8Array(256);
    const n = await conn.read(buffer);
    const head = new TextDecoder().decode(buffer.subarray(0, n ?? 0));
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  } finally {
    conn.close();
  }
}

Deno.test("HTTP refuses a missing or wrong token, a foreign Host and a foreign Origin", async () => {
  await withTempDir(async (dir) => {
    await using fx = await httpFixture({ root: dir, token: "s3cret" });
    const url = fx.server.url;
    const init = (headers: Record<string, string>) => ({
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        ...headers,
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    });
    const missing = await fetch(url, init({}));
    assert.equal(missing.status, 401);
    assert.match(await missing.text(), /Missing Authorization/);
    assert.equal(
      missing.headers.get("www-authenticate"),
      'Bearer realm="asterisk"',
    );
    const wrong = await fetch(url, init({ authorization: "Bearer guess" }));
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), /Wrong bearer token/);
    const origin = await fetch(
      url,
      init({ authorization: "Bearer s3cret", origin: "http://evil.example" }),
    );
    assert.equal(origin.status, 403);
    assert.match(await origin.text(), /Refused Origin/);
    const port = new URL(url).port;
    assert.equal(await rawStatus(url, `evil.example:${port}`), 403);
    assert.equal(await rawStatus(url, `127.0.0.1:${port}`), 401);
    await assert.rejects(fx.client(), /401|Unauthorized|Missing/);
    const client = await fx.client({ token: "s3cret" });
    assert.equal((await client.listTools()).tools.length, 6);
  });
});

Deno.test("serving beyond loopback without a token is refused before binding", async () => {
  const hub = new CalibrationHub({ root: "unused" });
  await assert.rejects(
    serveHttp(hub, { hostname: "0.0.0.0", port: 0, version: "test" }),
    /without --token: a binding beyond loopback requires bearer authentication/,
  );
});
