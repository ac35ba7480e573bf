import assert from "node:assert/strict";
import { errorSignature, SIGNATURE_MAX_LENGTH } from "./error_signature.ts";

Deno.test("errorSignature() collapses ptp4l recurrences with other pids, ports and seconds", () => {
  const expected =
    "ptp4l[<n>]: port <n>: FREERUN state, holdover exceeded after <n>s";
  assert.equal(
    errorSignature(
      "ptp4l[12345.678]: port 1: FREERUN state, holdover exceeded after 60s",
    ),
    expected,
  );
  assert.equal(
    errorSignature(
      "ptp4l[23456.789]: port 2: FREERUN state, holdover exceeded after 61s",
    ),
    expected,
  );
});

Deno.test("errorSignature() collapses Ginkgo failures on other interfaces and pids", () => {
  const lines = [
    "[FAILED] ptp4l on ens2f0 (pid 41872): clock state FREERUN after 61s without grandmaster, expected HOLDOVER for the full 120s outage",
    "[FAILED] ptp4l on ens1f1 (pid 27619): clock state FREERUN after 60s without grandmaster, expected HOLDOVER for the full 120s outage",
    "[FAILED] ptp4l on enp3s0f1 (pid 60127): clock state FREERUN after 61s without grandmaster, expected HOLDOVER for the full 120s outage",
  ];
  const signatures = new Set(lines.map(errorSignature));
  assert.deepEqual([...signatures], [
    "[FAILED] ptp4l on <nic> (pid <n>): clock state FREERUN after <n>s without grandmaster, expected HOLDOVER for the full <n>s outage",
  ]);
});

Deno.test("errorSignature() keeps distinct failures apart", () => {
  const freerun = errorSignature("ptp4l[1.0]: port 1: FREERUN state");
  const locked = errorSignature("ptp4l[1.0]: port 1: LOCKED state");
  const chrony = errorSignature(
    "[FAILED] chronyd on worker-0 has 0/2 reachable NTP sources (ntp1.lab.internal, ntp2.lab.internal unreachable), system clock unsynchronised",
  );
  assert.notEqual(freerun, locked);
  assert.equal(
    chrony,
    "[FAILED] chronyd on worker-<n> has <n>/<n> reachable NTP sources (ntp1.lab.internal, ntp2.lab.internal unreachable), system clock unsynchronised",
  );
});

Deno.test("errorSignature() keeps words that contain digits", () => {
  assert.equal(
    errorSignature(
      "phc2sys[3456.789]: CLOCK_REALTIME phc offset -12 s2 freq +345 delay 678",
    ),
    "phc2sys[<n>]: CLOCK_REALTIME phc offset -<n> s2 freq +<n> delay <n>",
  );
  assert.equal(
    errorSignature(
      "stale e2e-tsc-83299 left by OCP-83299 (ipv4, sha256, http2, k8s)",
    ),
    "stale e2e-tsc-<n> left by OCP-<n> (ipv4, sha256, http2, k8s)",
  );
});

Deno.test("errorSignature() replaces quoted names but not apostrophes", () => {
  assert.equal(
    errorSignature(`pods "linuxptp-daemon-q8k4d" not found`),
    "pods <str> not found",
  );
  assert.equal(
    errorSignature(
      "can't update node's label 'ptp/grandmaster' or `ptp/slave` (\"escaped \\\" quote\")",
    ),
    "can't update node's label <str> or <str> (<str>)",
  );
  assert.equal(
    errorSignature(
      'Expected\n    <string>: "FREERUN"\nto equal\n    <string>: "LOCKED"',
    ),
    "Expected <string>: <str> to equal <string>: <str>",
  );
});

Deno.test("errorSignature() replaces Kubernetes generated names, UUIDs and hex ids", () => {
  assert.equal(
    errorSignature(
      "error streaming logs from linuxptp-daemon-q8k4d/cloud-event-proxy: EOF",
    ),
    "error streaming logs from linuxptp-daemon-<id>/cloud-event-proxy: EOF",
  );
  assert.equal(
    errorSignature(
      "pod ptp-operator-7d9f8b6c5d-x2k4q (uid 3F2A1B4C-5D6E-4F70-8A9B-0C1D2E3F4A5B) crashed",
    ),
    "pod ptp-operator-<id> (uid <uuid>) crashed",
  );
  assert.equal(
    errorSignature(
      "panic at 0xc000123456 in image sha256:abcdef0123456789 built from fb63bb8",
    ),
    "panic at <hex> in image sha256:<hex> built from <hex>",
  );
  // Hex-looking words without digits and names without a mixed suffix stay.
  assert.equal(
    errorSignature("deadbeef facade e2e-oc-follower cloud-event-proxy"),
    "deadbeef facade e2e-oc-follower cloud-event-proxy",
  );
});

Deno.test("errorSignature() replaces IPv4, IPv6 and MAC addresses", () => {
  assert.equal(
    errorSignature(
      "read tcp 10.128.2.14:41236->172.30.0.1:443: read: connection reset by peer",
    ),
    "read tcp <ip>:<n>-><ip>:<n>: read: connection reset by peer",
  );
  assert.equal(
    errorSignature(
      "dial [fd00::1]:6443 via fe80::a00:27ff:fe4e:66a1 from 00:1a:2b:3c:4d:5e",
    ),
    "dial [<ip>]:<n> via <ip> from <hex>",
  );
  assert.equal(
    errorSignature("no route to 192.168.0.10."),
    "no route to <ip>.",
  );
});

Deno.test("errorSignature() replaces timestamps in common log formats", () => {
  assert.equal(
    errorSignature("2026-02-17T10:00:00.123Z ERROR sync lost"),
    "<ts> ERROR sync lost",
  );
  assert.equal(
    errorSignature("2026-02-17 10:00:00+00:00 sync lost"),
    "<ts> sync lost",
  );
  assert.equal(
    errorSignature(
      "E0217 10:00:00.123456    1234 daemon.go:345] ptp4l exited",
    ),
    "<ts> <n> daemon.go:<n>] ptp4l exited",
  );
  assert.equal(
    errorSignature(
      "Feb 17 10:00:00 worker-1 chronyd[812]: System clock wrong by 1.234567 seconds",
    ),
    "<ts> worker-<n> chronyd[<n>]: System clock wrong by <n> seconds",
  );
  assert.equal(
    errorSignature("lock lost at 23:59:58, regained at 00:00:03"),
    "lock lost at <ts>, regained at <ts>",
  );
});

Deno.test("errorSignature() replaces paths but not ratios, word pairs or URLs' paths", () => {
  assert.equal(
    errorSignature(
      "sync-state event for /cluster/node/worker-2/sync/ptp-status/lock-state was FREERUN",
    ),
    "sync-state event for <path> was FREERUN",
  );
  assert.equal(
    errorSignature(
      "open ./testdata/ptp4l.0.config failed; see ~/logs/run.log and ../out/",
    ),
    "open <path> failed; see <path> and <path>",
  );
  assert.equal(
    errorSignature("0/2 sources, read/write failed"),
    "<n>/<n> sources, read/write failed",
  );
  assert.equal(
    errorSignature(
      "Get https://api.ci.example.com:6443/api/v1/namespaces: timeout after 1m30s",
    ),
    "Get https://api.ci.example.com:<n>/api/v1/namespaces: timeout after <n>m<n>s",
  );
});

Deno.test("errorSignature() collapses whitespace and trims", () => {
  assert.equal(
    errorSignature(
      "  [FAILED] Timed out after 300.001s.\nExpected\n    <bool>: false\n\tto be true \n",
    ),
    "[FAILED] Timed out after <n>s. Expected <bool>: false to be true",
  );
});

Deno.test("errorSignature() returns an empty string for an empty or blank message", () => {
  assert.equal(errorSignature(""), "");
  assert.equal(errorSignature(" \n\t "), "");
});

Deno.test("errorSignature() caps long signatures without splitting a placeholder", () => {
  // The cut at 159 characters falls inside "<path>" (characters 156–161).
  const long = `${"a".repeat(150)} xxxx /var/log/ptp4l.log tail words`;
  const signature = errorSignature(long);
  assert.equal(signature, `${"a".repeat(150)} xxxx…`);
  assert.ok(Array.from(signature).length <= SIGNATURE_MAX_LENGTH);

  // A whole placeholder before the cut stays.
  assert.equal(
    errorSignature(`${"a".repeat(150)} xxx 12345 tail words`),
    `${"a".repeat(150)} xxx <n>…`,
  );

  const exact = "b".repeat(SIGNATURE_MAX_LENGTH);
  assert.equal(errorSignature(exact), exact);
  const over = "b".repeat(SIGNATURE_MAX_LENGTH + 1);
  assert.equal(
    errorSignature(over),
    `${"b".repeat(SIGNATURE_MAX_LENGTH - 1)}…`,
  );
});

Deno.test("errorSignature() is stable when applied to its own output", () => {
  const lines = [
    "ptp4l[12345.678]: port 1: FREERUN state, holdover exceeded after 60s",
    "read tcp 10.128.2.14:41236->172.30.0.1:443: read: connection reset by peer",
    `pods "linuxptp-daemon-q8k4d" not found at 2026-02-17T10:00:00Z`,
    `${"word ".repeat(50)}0xdeadbeef`,
  ];
  for (const line of lines) {
    const once = errorSignature(line);
    assert.equal(errorSignature(once), once);
  }
});
