import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadScenario } from "./load_scenario.ts";
import { ScenarioError } from "./scenario_error.ts";

const UNKNOWN_NAME_PROBLEM =
  "no built-in scenario has this name; expected one of 'ptp-mock' or a path to a JSON file";

/** A small valid scenario file's content. */
function smallScenarioText(): string {
  return JSON.stringify(
    {
      name: "from-file",
      rcas: [{
        id: "R1",
        title: "t",
        defect_type: "pb001",
        component: "c",
        relevant_repos: ["repo-a"],
      }],
      symptoms: [{ id: "S1", name: "s", maps_to_rca: "R1" }],
      cases: [{
        id: "C1",
        version: "4.20",
        job: "j",
        test_name: "t",
        symptom_id: "S1",
        rca_id: "R1",
        expected_path: ["F0", "F1"],
        expected_triage: { candidate_repos: null },
      }],
      workspace: { repos: [{ name: "repo-a", relevant_to_rcas: null }] },
    },
    null,
    2,
  );
}

/** Runs `loadScenario` expecting a ScenarioError and returns it. */
async function loadError(
  ...args: Parameters<typeof loadScenario>
): Promise<ScenarioError> {
  try {
    await loadScenario(...args);
  } catch (error) {
    assert.ok(error instanceof ScenarioError, String(error));
    return error;
  }
  assert.fail("expected a ScenarioError");
}

/** A reader that must not be called. */
function noReader(path: string): Promise<string> {
  return Promise.reject(new Error(`unexpected read of ${path}`));
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "asterisk-scenario-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

// --- built-in scenarios ---------------------------------------------------------

Deno.test("loadScenario() loads the built-in ptp-mock by name without reading files", async () => {
  const scenario = await loadScenario("ptp-mock", { readTextFile: noReader });
  assert.equal(scenario.name, "ptp-mock");
  assert.equal(scenario.cases.length, 12);
  assert.equal(scenario.rcas.length, 3);
  assert.equal(scenario.symptoms.length, 4);
  assert.equal(scenario.workspace.repos.length, 5);
});

Deno.test("loadScenario() returns a fresh copy of a built-in scenario", async () => {
  const first = await loadScenario("ptp-mock");
  first.cases.length = 0;
  const second = await loadScenario("ptp-mock");
  assert.equal(second.cases.length, 12);
});

Deno.test("loadScenario() rejects an unknown bare name listing the built-ins", async () => {
  const error = await loadError("nope", { readTextFile: noReader });
  assert.equal(error.source, "nope");
  assert.deepEqual(error.problems, [{
    path: "",
    problem: UNKNOWN_NAME_PROBLEM,
  }]);
  assert.equal(
    error.message,
    `Cannot load scenario 'nope': ${UNKNOWN_NAME_PROBLEM}`,
  );
  // Names are case-sensitive.
  assert.equal(
    (await loadError("PTP-MOCK", { readTextFile: noReader })).message,
    `Cannot load scenario 'PTP-MOCK': ${UNKNOWN_NAME_PROBLEM}`,
  );
});

Deno.test("loadScenario() does not take Object.prototype members for built-ins", async () => {
  for (
    const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]
  ) {
    const error = await loadError(name, { readTextFile: noReader });
    assert.equal(
      error.message,
      `Cannot load scenario '${name}': ${UNKNOWN_NAME_PROBLEM}`,
    );
  }
});

// --- files -------------------------------------------------------------------

Deno.test("loadScenario() loads a JSON file and fills defaults", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "scenario.json");
    await Deno.writeTextFile(path, smallScenarioText());
    const scenario = await loadScenario(path);
    assert.equal(scenario.name, "from-file");
    assert.equal(scenario.description, "");
    assert.deepEqual(scenario.cases[0].expected_triage?.candidate_repos, []);
    assert.deepEqual(scenario.workspace.repos[0].relevant_to_rcas, []);
    assert.equal(scenario.cases[0].expected_loops, 0);
    assert.equal(scenario.rcas[0].keyword_threshold, 1);
  });
});

Deno.test("loadScenario() reports a missing file", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "absent.json");
    const error = await loadError(path);
    assert.equal(error.source, path);
    assert.deepEqual(error.problems, [{ path: "", problem: "file not found" }]);
    assert.equal(
      error.message,
      `Cannot load scenario '${path}': file not found`,
    );
    assert.ok(error.cause instanceof Deno.errors.NotFound);
  });
});

Deno.test("loadScenario() reports a file that is not JSON", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "broken.json");
    await Deno.writeTextFile(path, "{ not json");
    const error = await loadError(path);
    assert.equal(error.problems.length, 1);
    assert.equal(error.problems[0].path, "");
    assert.match(
      error.message,
      new RegExp(
        `^Cannot load scenario '${
          path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
        }': the file is not valid JSON \\(.+\\)$`,
      ),
    );
    assert.ok(error.cause instanceof SyntaxError);
  });
});

Deno.test("loadScenario() reports the problems of an invalid file under its path", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "invalid.json");
    const value = JSON.parse(smallScenarioText());
    delete value.cases[0].test_name;
    value.cases[0].expected_loops = "0";
    await Deno.writeTextFile(path, JSON.stringify(value));
    const error = await loadError(path);
    assert.equal(error.source, path);
    assert.deepEqual(error.message.split("\n"), [
      `Cannot load scenario '${path}': field 'cases[0].test_name' is missing; expected a string`,
      `Cannot load scenario '${path}': field 'cases[0].expected_loops' must be a number`,
    ]);
  });
});

Deno.test("loadScenario() reports cross-reference problems of a file", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "refs.json");
    const value = JSON.parse(smallScenarioText());
    value.cases[0].rca_id = "R2";
    await Deno.writeTextFile(path, JSON.stringify(value));
    const error = await loadError(path);
    assert.equal(
      error.message,
      `Cannot load scenario '${path}': field 'cases[0].rca_id' names unknown RCA 'R2'; expected one of 'R1'`,
    );
  });
});

// --- the injectable reader ------------------------------------------------------

Deno.test("loadScenario() reads paths through the injected reader", async () => {
  const reads: string[] = [];
  const readTextFile = (path: string) => {
    reads.push(path);
    return Promise.resolve(smallScenarioText());
  };
  for (
    const path of [
      "scenario.json",
      "dir/scenario",
      "C:\\data\\scenario.txt",
      "./ptp-mock.json",
    ]
  ) {
    const scenario = await loadScenario(path, { readTextFile });
    assert.equal(scenario.name, "from-file", path);
  }
  assert.deepEqual(reads, [
    "scenario.json",
    "dir/scenario",
    "C:\\data\\scenario.txt",
    "./ptp-mock.json",
  ]);
});

Deno.test("loadScenario() maps reader failures to problems", async () => {
  const failing = (error: Error) => () => Promise.reject(error);
  const cases: [Error, string][] = [
    [new Deno.errors.NotFound("gone"), "file not found"],
    [
      new Deno.errors.PermissionDenied("no"),
      "read permission denied (run with --allow-read for this path)",
    ],
    [
      new Deno.errors.NotCapable("no"),
      "read permission denied (run with --allow-read for this path)",
    ],
    [new Error("disk on fire"), "cannot read the file (disk on fire)"],
  ];
  for (const [thrown, problem] of cases) {
    const error = await loadError("in/scenario.json", {
      readTextFile: failing(thrown),
    });
    assert.deepEqual(error.problems, [{ path: "", problem }]);
    assert.equal(
      error.message,
      `Cannot load scenario 'in/scenario.json': ${problem}`,
    );
    assert.equal(error.cause, thrown);
  }
});

Deno.test("loadScenario() reports non-JSON text from the reader", async () => {
  for (const text of ["", "not json", '{"name": ']) {
    const error = await loadError("x.json", {
      readTextFile: () => Promise.resolve(text),
    });
    assert.equal(error.problems.length, 1);
    assert.match(
      error.message,
      /^Cannot load scenario 'x\.json': the file is not valid JSON \(.+\)$/,
    );
  }
});

Deno.test("loadScenario() reports schema problems of the reader's text", async () => {
  const error = await loadError("x.json", {
    readTextFile: () => Promise.resolve('{"name": "n", "cases": []}'),
  });
  assert.equal(
    error.message,
    "Cannot load scenario 'x.json': field 'cases' must list at least one case",
  );
});

// --- upstream datasets (optional) ---------------------------------------------------

/** The upstream dataset directory, from the environment or beside the repo. */
function upstreamDir(): string {
  let fromEnv: string | undefined;
  try {
    fromEnv = Deno.env.get("ASTERISK_UPSTREAM_DATASETS");
  } catch {
    fromEnv = undefined; // no --allow-env
  }
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  return fileURLToPath(
    new URL("../../../shared/datasets/upstream/", import.meta.url),
  );
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false; // absent or no read permission
  }
}

const UPSTREAM_DIR = upstreamDir();

for (
  const file of [
    "ptp-mock.json",
    "ptp-real.json",
    "ptp-real-ingest.json",
    "daemon-mock.json",
  ]
) {
  const path = join(UPSTREAM_DIR, file);
  Deno.test({
    name: `loadScenario() loads the upstream dataset ${file}`,
    ignore: !isFile(path),
    async fn() {
      const scenario = await loadScenario(path);
      assert.ok(scenario.name.length > 0);
      assert.ok(scenario.cases.length > 0);
    },
  });
}
