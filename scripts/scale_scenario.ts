/**
 * Scale generator: a synthetic scenario of N cases in the Go version's
 * dataset format, for measuring runs at scale (issue 11) and for tests that
 * need many cases.
 *
 * The cases come in groups that share a root cause, each shaped like the
 * ptp-mock failures:
 *
 * 1. the first case investigates (F0 F1 F2 F3 F4 F5 F6, or F0 F1 F3 F4 F5 F6
 *    when triage names one repo);
 * 2. one to four recurrences of its failure on other hosts and versions are
 *    recall hits (F0 F5 F6);
 * 3. a failure of another symptom with the same root cause is a duplicate
 *    (F0 F1 F3 F4, correlated to the investigated RCA);
 * 4. an unrelated flake is triaged and skipped (F0 F1 F5 F6).
 *
 * Each group's error messages use words of their own, so error signatures of
 * one group are similar to each other and to no other group's. The last group
 * is cut when N is reached. The output depends only on `cases` and `seed`.
 *
 * As a module: `generateScaleScenario({ cases: 1000 })` returns the raw JSON
 * object (load it with `parseScenario`). As a CLI:
 *
 * ```sh
 * deno run --allow-write scripts/scale_scenario.ts --cases=10000 [--seed=1] [--out=scale.json]
 * ```
 *
 * writes the JSON to `--out`, or to stdout without it.
 *
 * @module
 */

/** Options of {@linkcode generateScaleScenario}. */
export interface ScaleScenarioOptions {
  /** Number of cases (at least 1). */
  readonly cases: number;
  /**
   * Seed of the pseudo-random choices (hosts, numbers, versions, group sizes).
   *
   * @default {1}
   */
  readonly seed?: number;
  /**
   * Scenario name.
   *
   * @default {`scale-${cases}`}
   */
  readonly name?: string;
}

/** A Go-format scenario as plain JSON data. */
export interface ScaleScenario {
  name: string;
  description: string;
  rcas: Record<string, unknown>[];
  symptoms: Record<string, unknown>[];
  cases: Record<string, unknown>[];
  workspace: { repos: Record<string, unknown>[] };
}

/** Mulberry32: a small deterministic generator of numbers in [0, 1). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = [
  "ka",
  "lo",
  "mi",
  "nu",
  "pe",
  "ra",
  "so",
  "ti",
  "vu",
  "ze",
  "bo",
  "da",
  "fi",
  "gu",
  "ho",
  "je",
];

/** A pronounceable word (letters only) unique to `n`, at least 4 letters. */
function wordOf(n: number, salt: string): string {
  let word = "";
  let rest = n;
  do {
    word += SYLLABLES[rest % SYLLABLES.length];
    rest = Math.floor(rest / SYLLABLES.length);
  } while (rest > 0);
  return `${salt}${word}`;
}

const VERSIONS = ["4.19", "4.20", "4.21", "4.22"];
const JOBS = ["[T-TSC]", "[T-BC]", "[BC-OC]"];
const REPOS = [
  {
    name: "service-operator",
    purpose:
      "Operator and per-node daemon: renders service configuration, tracks daemon state and exports metrics",
    branch: "release-4.21",
  },
  {
    name: "e2e-test-framework",
    purpose:
      "End-to-end suites: suite setup and teardown, fixtures and the test lanes",
    branch: "main",
  },
  {
    name: "lab-infra-config",
    purpose:
      "Configuration of the CI lab clusters: time sources, firewall rules, node networking",
    branch: "main",
  },
  {
    name: "unrelated-network-operator",
    purpose:
      "Creates virtual functions and network attachments; never touches service settings",
    branch: "release-4.21",
    is_red_herring: true,
  },
];

/** The words that make one group's failures its own. */
interface GroupWords {
  readonly daemon: string;
  readonly probe: string;
  readonly lease: string;
  readonly volume: string;
  readonly widget: string;
  readonly channel: string;
}

function groupWords(group: number): GroupWords {
  return {
    daemon: wordOf(group, "dmn"),
    probe: wordOf(group, "prb"),
    lease: wordOf(group, "lse"),
    volume: wordOf(group, "vol"),
    widget: wordOf(group, "wdg"),
    channel: wordOf(group, "chn"),
  };
}

/** Builds one group's RCA, symptoms and cases. */
function buildGroup(
  group: number,
  size: number,
  next: () => number,
  firstCase: number,
  out: ScaleScenario,
): void {
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length)];
  const w = groupWords(group);
  const n = group + 1;
  const product = group % 2 === 0;
  const rcaId = `R${n}`;
  const symptomId = `S${n}`;
  const dupSymptomId = `S${n}d`;
  const defect = product ? "pb001" : "ab001";
  const repo = product ? REPOS[0].name : REPOS[1].name;
  const keywords = [w.daemon, w.probe, w.lease, "timeout"];
  out.rcas.push({
    id: rcaId,
    title: `${w.daemon} drops its ${w.lease} after ${w.probe} times out`,
    description:
      `A change in ${repo} shortened the ${w.lease} renewal of ${w.daemon}; when ${w.probe} is slow the ${w.lease} expires and ${w.volume} detaches.`,
    defect_type: defect,
    category: product ? "product" : "automation",
    component: w.daemon,
    affected_versions: ["4.20", "4.21", "4.22"],
    jira_id: `OCPBUGS-${10000 + n}`,
    required_keywords: keywords,
    keyword_threshold: 2,
    relevant_repos: [repo],
  });
  out.symptoms.push({
    id: symptomId,
    name: `${w.daemon} loses its ${w.lease} while ${w.probe} is slow`,
    error_pattern: `${w.daemon} ${w.lease} expired after \\d+s`,
    component: w.daemon,
    maps_to_rca: rcaId,
  });
  out.symptoms.push({
    id: dupSymptomId,
    name: `${w.widget} reports ${w.channel} closed`,
    error_pattern: `${w.widget} ${w.channel} closed`,
    component: w.daemon,
    maps_to_rca: rcaId,
  });
  const recalls = int(1, 5);
  const kinds: string[] = [
    "investigate",
    ...Array.from({ length: recalls }, () => "recall"),
    "duplicate",
    "flake",
  ].slice(0, size);
  const evidence = `${repo}:pkg/${w.daemon}/lease.go:${w.lease}`;
  const testName = `OCP-${
    40000 + n
  } ${w.daemon} keeps its ${w.lease} through a slow ${w.probe}`;
  kinds.forEach((kind, k) => {
    const id = `C${firstCase + k}`;
    const version = pick(VERSIONS);
    const job = pick(JOBS);
    const pid = int(1000, 65000);
    const seconds = int(55, 65);
    const leaseMessage =
      `[FAILED] ${w.daemon} (pid ${pid}): ${w.lease} expired after ${seconds}s while ${w.probe} answered slowly, ${w.volume} detached`;
    const log = (message: string) =>
      `2026-03-0${int(1, 9)}T1${int(0, 9)}:0${
        int(0, 9)
      }:00Z e2e: starting ${testName}\n2026-03-01T10:00:0${
        int(1, 9)
      }Z ${w.daemon}: ${w.probe} latency ${
        int(200, 900)
      }ms\n2026-03-01T10:01:00Z e2e: ${message}`;
    const base = {
      id,
      version,
      job,
      test_name: testName,
      test_id: `OCP-${40000 + n}`,
      expect_cascade: false,
      expected_loops: 0,
    };
    switch (kind) {
      case "investigate": {
        const twoRepos = group % 3 !== 2;
        out.cases.push({
          ...base,
          error_message: leaseMessage,
          log_snippet: log(leaseMessage),
          symptom_id: symptomId,
          rca_id: rcaId,
          expected_path: twoRepos
            ? ["F0", "F1", "F2", "F3", "F4", "F5", "F6"]
            : ["F0", "F1", "F3", "F4", "F5", "F6"],
          expected_recall: { match: false, confidence: 0 },
          expected_triage: {
            symptom_category: product ? "product" : "automation",
            severity: product ? "critical" : "high",
            defect_type_hypothesis: defect,
            candidate_repos: twoRepos ? [repo, REPOS[2].name] : [repo],
            skip_investigation: false,
            cascade_suspected: false,
          },
          ...(twoRepos
            ? {
              expected_resolve: {
                selected_repos: [{
                  name: repo,
                  reason:
                    `Owns pkg/${w.daemon}/lease.go, where the ${w.lease} renewal is set`,
                }],
              },
            }
            : {}),
          expected_invest: {
            rca_message:
              `${w.daemon} regression: pkg/${w.daemon}/lease.go shortened the ${w.lease} renewal, so a slow ${w.probe} lets the ${w.lease} expire (timeout) and ${w.volume} detaches.`,
            defect_type: defect,
            component: w.daemon,
            convergence_score: 0.85,
            evidence_refs: [evidence],
          },
          expected_correlate: {
            is_duplicate: false,
            confidence: 0.3,
            cross_version_match: false,
          },
          expected_review: { decision: "approve" },
          expect_recall_hit: false,
          expect_skip: false,
        });
        return;
      }
      case "recall":
        out.cases.push({
          ...base,
          error_message: leaseMessage,
          log_snippet: log(leaseMessage),
          symptom_id: symptomId,
          rca_id: rcaId,
          expected_path: ["F0", "F5", "F6"],
          expected_recall: { match: true, confidence: 0.95 },
          expected_review: { decision: "approve" },
          expect_recall_hit: true,
          expect_skip: false,
        });
        return;
      case "duplicate": {
        const message =
          `[FAILED] ${w.widget} event on ${w.channel} reported ${w.channel} closed ${seconds}s into the ${w.probe} outage`;
        out.cases.push({
          ...base,
          error_message: message,
          log_snippet: log(message),
          symptom_id: dupSymptomId,
          rca_id: rcaId,
          expected_path: ["F0", "F1", "F3", "F4"],
          expected_recall: { match: false, confidence: 0.1 },
          expected_triage: {
            symptom_category: product ? "product" : "automation",
            severity: "critical",
            defect_type_hypothesis: defect,
            candidate_repos: [repo],
            skip_investigation: false,
            cascade_suspected: false,
          },
          expected_invest: {
            rca_message:
              `Same ${w.daemon} ${w.lease} regression seen through ${w.widget}: the ${w.lease} renewal timeout is too short, ${w.channel} closes.`,
            defect_type: defect,
            component: w.daemon,
            convergence_score: 0.8,
            evidence_refs: [evidence],
          },
          expected_correlate: {
            is_duplicate: true,
            confidence: 0.88,
            cross_version_match: true,
          },
          expected_review: { decision: "approve" },
          expect_recall_hit: false,
          expect_skip: false,
        });
        return;
      }
      default: {
        const message =
          `[FAILED] error streaming logs from ${w.channel}-${w.widget}/${w.probe}: read tcp 10.128.${
            int(0, 255)
          }.${int(1, 255)}:${
            int(30000, 60000)
          }->172.30.0.1:443: connection reset by peer`;
        out.cases.push({
          ...base,
          error_message: message,
          log_snippet: log(message),
          symptom_id: "",
          rca_id: "",
          expected_path: ["F0", "F1", "F5", "F6"],
          expected_recall: { match: false, confidence: 0 },
          expected_triage: {
            symptom_category: "flake",
            severity: "low",
            defect_type_hypothesis: "nd001",
            candidate_repos: [],
            skip_investigation: true,
            cascade_suspected: false,
          },
          expected_review: { decision: "approve" },
          expect_recall_hit: false,
          expect_skip: true,
        });
      }
    }
  });
}

/**
 * Generates a synthetic Go-format scenario of `options.cases` cases (see the
 * module documentation for its shape). Deterministic for given options.
 *
 * @throws {RangeError} when `cases` is not a positive integer.
 */
export function generateScaleScenario(
  options: ScaleScenarioOptions,
): ScaleScenario {
  const { cases } = options;
  if (!Number.isInteger(cases) || cases < 1) {
    throw new RangeError(
      `Cannot generate a scale scenario of ${cases} cases: expected a positive integer`,
    );
  }
  const seed = options.seed ?? 1;
  const next = random(seed);
  const out: ScaleScenario = {
    name: options.name ?? `scale-${cases}`,
    description:
      `Synthetic scenario of ${cases} cases (seed ${seed}): groups sharing a root cause, recall hits, duplicates, flakes`,
    rcas: [],
    symptoms: [],
    cases: [],
    workspace: {
      repos: REPOS.map((r) => ({
        path: "",
        relevant_to_rcas: [],
        is_red_herring: false,
        ...r,
      })),
    },
  };
  for (let group = 0; out.cases.length < cases; group++) {
    buildGroup(
      group,
      cases - out.cases.length,
      next,
      out.cases.length + 1,
      out,
    );
  }
  return out;
}

/** Parses `--name=value` flags of the CLI. */
function flag(args: readonly string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  return args.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

if (import.meta.main) {
  const args = Deno.args;
  const cases = Number(flag(args, "cases") ?? "1000");
  const seed = Number(flag(args, "seed") ?? "1");
  const out = flag(args, "out");
  const json = JSON.stringify(generateScaleScenario({ cases, seed }), null, 1);
  if (out === undefined) {
    await Deno.stdout.write(new TextEncoder().encode(`${json}\n`));
  } else {
    Deno.writeTextFileSync(out, `${json}\n`);
  }
}
