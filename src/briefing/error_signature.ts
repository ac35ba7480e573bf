/**
 * Error signatures: a failed test's error message with its variable tokens
 * (pids, numbers, timestamps, ids, addresses, quoted names, paths) replaced by
 * placeholders, so that recurrences of one failure collapse into one string.
 * The briefing groups cases by signature to show common error patterns.
 *
 * @module
 */

/** The longest signature, in characters (code points), an ellipsis included. */
export const SIGNATURE_MAX_LENGTH = 160;

/** One normalisation step: a pattern and what replaces each match. */
interface Rule {
  readonly pattern: RegExp;
  readonly replace: (match: string) => string;
}

/** Characters of a Kubernetes generated name suffix (no vowels, no 0/1/3). */
const K8S_CHARS = "[bcdfghjklmnpqrstvwxz2456789]";
const DURATION_UNIT = "(?:ns|us|µs|ms|h|m|s)";
const MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
const HEX4 = "[0-9a-f]{1,4}";

/**
 * The rules, applied in order: earlier rules consume tokens that later, more
 * general rules (hex, numbers) would otherwise split up.
 */
const RULES: readonly Rule[] = [
  // Quoted names: "…" and `…` anywhere; '…' only when the quotes are not
  // apostrophes inside words (can't, node's).
  { pattern: /"(?:[^"\\\r\n]|\\.)*"/gu, replace: () => "<str>" },
  { pattern: /`[^`\r\n]*`/gu, replace: () => "<str>" },
  {
    pattern: /(?<![\p{L}\p{N}_])'(?:[^'\\\r\n]|\\.)*'(?![\p{L}\p{N}_])/gu,
    replace: () => "<str>",
  },
  {
    pattern:
      /(?<![0-9a-f])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-f])/giu,
    replace: () => "<uuid>",
  },
  // Timestamps: RFC 3339 / ISO 8601 (date alone or with a time and zone),
  // klog headers (I0217 10:00:00.123456), syslog (Feb 17 10:00:00), and bare
  // clock times.
  {
    pattern:
      /(?<!\d)\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|\s?[+-]\d{2}:?\d{2}(?:\s?UTC)?|\s?UTC)?)?(?![\p{L}\p{N}])/gu,
    replace: () => "<ts>",
  },
  {
    pattern: /(?<![\p{L}\p{N}_])[IWEF]\d{4} \d{2}:\d{2}:\d{2}(?:\.\d+)?/gu,
    replace: () => "<ts>",
  },
  {
    pattern: new RegExp(
      `\\b${MONTH} +\\d{1,2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?`,
      "gu",
    ),
    replace: () => "<ts>",
  },
  {
    pattern:
      /(?<![\p{L}\p{N}_:.])\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?Z?(?![\p{L}\p{N}_:])/gu,
    replace: () => "<ts>",
  },
  {
    pattern: /(?<![\w:-])(?:[0-9a-f]{2}[:-]){5}[0-9a-f]{2}(?![\w:-])/giu,
    replace: () => "<hex>",
  },
  {
    pattern: new RegExp(
      `(?<![\\w:])(?:(?:${HEX4}:){7}${HEX4}|(?:${HEX4}:){0,6}(?:${HEX4})?::(?:${HEX4}:){0,6}${HEX4}|(?:${HEX4}:){1,7}:)(?![\\w:])`,
      "giu",
    ),
    replace: () => "<ip>",
  },
  {
    pattern: /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\d)/gu,
    replace: () => "<ip>",
  },
  // Absolute and ./ ../ ~/ paths; a slash after a word or digit (0/2,
  // read/write, host:6443/api) starts no path.
  {
    pattern: /(?<![\w.:/~-])(?:~|\.{1,2})?(?:\/[\w.@+-]+)+\/?/gu,
    replace: () => "<path>",
  },
  // Linux network interface names: eth0, ens2f0, enp3s0f1, bond0, ens2f0.100.
  {
    pattern:
      /(?<![\w-])(?:eth|en[ospx]|ib|bond|team|vlan|veth|wlan|wlp|br)\d[0-9a-z]*(?:\.\d+)?(?![\w-])/gu,
    replace: () => "<nic>",
  },
  // Kubernetes generated name suffixes: linuxptp-daemon-q8k4d,
  // ptp-operator-7d9f8b6c5d-x2k4q. The five-character suffix must mix letters
  // and digits, so words such as "-proxy" or numbers such as "-83299" stay.
  {
    pattern: new RegExp(
      `(?<=[a-z0-9]-)(?:${K8S_CHARS}{8,10}-)?${K8S_CHARS}{5}(?![\\w-])`,
      "gu",
    ),
    replace: (match) => {
      const suffix = match.slice(-5);
      return /\d/.test(suffix) && /[a-z]/.test(suffix) ? "<id>" : match;
    },
  },
  { pattern: /\b0x[0-9a-f]+\b/giu, replace: () => "<hex>" },
  {
    pattern: /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b/giu,
    replace: () => "<hex>",
  },
  // Multi-unit durations (1m30s, 2h0m5.5s): every number in them.
  {
    pattern: new RegExp(
      `(?<![\\w.])(?:\\d+(?:\\.\\d+)?${DURATION_UNIT}){2,}(?!\\w)`,
      "gu",
    ),
    replace: (match) => match.replace(/\d+(?:\.\d+)?/g, "<n>"),
  },
  // Numbers not glued to a preceding letter or digit: pid 41872 → pid <n>,
  // 60s → <n>s, 4.21.0 → <n>; ptp4l, e2e and ntp1 keep their digits.
  { pattern: /(?<![\p{L}\p{N}_])\d+(?:\.\d+)*/gu, replace: () => "<n>" },
];

/** Cuts `text` to {@linkcode SIGNATURE_MAX_LENGTH} code points with an ellipsis. */
function capLength(text: string): string {
  const chars = Array.from(text);
  if (chars.length <= SIGNATURE_MAX_LENGTH) return text;
  const cut = chars.slice(0, SIGNATURE_MAX_LENGTH - 1).join("")
    // Never leave half a placeholder behind.
    .replace(/<[a-z]*$/, "")
    .trimEnd();
  return `${cut}…`;
}

/**
 * Normalises an error message into a signature: variable tokens become
 * placeholders, words stay, so that recurrences of one failure on other pids,
 * ports, nodes or at other times share one signature.
 *
 * Placeholders, in the order they are applied:
 * - `<str>`: a quoted name (`"…"`, `` `…` ``, `'…'`);
 * - `<uuid>`: a UUID;
 * - `<ts>`: a timestamp (RFC 3339, klog header, syslog date, clock time);
 * - `<hex>`: a MAC address, `0x…`, or a run of 7+ hex digits mixing digits
 *   and letters (commit and container ids);
 * - `<ip>`: an IPv4 or IPv6 address (a port after it becomes `<n>`);
 * - `<path>`: an absolute, `./`, `../` or `~/` path;
 * - `<nic>`: a Linux network interface name (`ens2f0`, `eth0`, `bond0`);
 * - `<id>`: a Kubernetes generated name suffix (`linuxptp-daemon-<id>`);
 * - `<n>`: any other number not glued to a preceding letter or digit
 *   (`60s` → `<n>s`, but `ptp4l` stays).
 *
 * Whitespace runs (newlines included) collapse to one space, the result is
 * trimmed and cut to {@linkcode SIGNATURE_MAX_LENGTH} characters, an ellipsis
 * marking a cut. The function is pure.
 *
 * @param message An error message, possibly multi-line.
 * @returns The signature; `""` for an empty or blank message.
 *
 * @example Recurrences collapse
 * ```ts
 * import { errorSignature } from "./error_signature.ts";
 * import assert from "node:assert/strict";
 *
 * const first = errorSignature(
 *   "ptp4l[12345.678]: port 1: FREERUN state, holdover exceeded after 60s",
 * );
 * assert.equal(
 *   first,
 *   "ptp4l[<n>]: port <n>: FREERUN state, holdover exceeded after <n>s",
 * );
 * assert.equal(
 *   errorSignature(
 *     "ptp4l[23456.789]: port 2: FREERUN state, holdover exceeded after 61s",
 *   ),
 *   first,
 * );
 * ```
 *
 * @example Names, addresses and paths
 * ```ts
 * import { errorSignature } from "./error_signature.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   errorSignature('pods "linuxptp-daemon-q8k4d" not found'),
 *   "pods <str> not found",
 * );
 * assert.equal(
 *   errorSignature("dial tcp 10.0.0.5:443: connect: connection refused"),
 *   "dial tcp <ip>:<n>: connect: connection refused",
 * );
 * assert.equal(
 *   errorSignature("open /var/run/ptp4l.0.config: no such file or directory"),
 *   "open <path>: no such file or directory",
 * );
 * assert.equal(errorSignature("  \n "), "");
 * ```
 */
export function errorSignature(message: string): string {
  let text = message;
  for (const rule of RULES) {
    text = text.replace(rule.pattern, rule.replace);
  }
  return capLength(text.replace(/\s+/gu, " ").trim());
}
