import assert from "node:assert/strict";
import {
  type PathPermissionQuery,
  respondCommand,
  responderChildCommand,
  responderPermissions,
} from "./responder_process.ts";
import { decodeRespondFlags, runRespondMain } from "./respond_main.ts";
import { ExitCode } from "../cli/exit_code.ts";
import { parseRespondFlags } from "../cli/respond_command.ts";
import { Terminal } from "../cli/terminal.ts";
import { UsageError } from "../cli/usage_error.ts";
import { denoExecutable } from "../util/deno_executable.ts";

/** A parent run with `--allow-read=<read> --allow-write=<write>`. */
function parent(read: string[], write: string[]): PathPermissionQuery {
  const under = (path: string, roots: string[]) =>
    roots.some((root) => path === root || path.startsWith(`${root}/`));
  return (name, path) => under(path, name === "read" ? read : write);
}

const SANDBOX = parent(["/w/.asterisk", "/w/datasets"], ["/w/.asterisk"]);
const EXEC_PATH = "/opt/deno/2.9.6/deno";

function permissionFlags(args: readonly string[]): string[] {
  return args.filter((arg) => /^--allow-|^-A$|^--allow-all$/.test(arg));
}

Deno.test("the responder child gets its parent's read and write scopes for the run directory and the scenario file", () => {
  const { args } = respondCommand(["--quiet"], {
    runDir: "/w/.asterisk/calibrate",
    scenario: "/w/datasets/my-scenario.json",
    mayAccess: SANDBOX,
    mayRun: () => true,
    standalone: false,
    execPath: EXEC_PATH,
  });
  assert.deepEqual(permissionFlags(args), [
    "--allow-read=/w/.asterisk/calibrate,/w/datasets/my-scenario.json",
    "--allow-write=/w/.asterisk/calibrate",
  ]);
  assert.deepEqual(args.slice(-2), ["respond", "--quiet"]);
});

Deno.test("the responder child never holds what its parent lacks, nor more than it uses", () => {
  // A built-in scenario needs no read beyond the run directory.
  assert.deepEqual(
    responderPermissions({
      runDir: "/w/.asterisk/calibrate",
      scenario: "ptp-mock",
      mayAccess: SANDBOX,
    }),
    [
      "--allow-read=/w/.asterisk/calibrate",
      "--allow-write=/w/.asterisk/calibrate",
    ],
  );
  // A parent that may not write the run directory gives no write at all.
  assert.deepEqual(
    responderPermissions({
      runDir: "/w/.asterisk/calibrate",
      scenario: "/w/datasets/s.json",
      mayAccess: parent(["/w"], []),
    }),
    ["--allow-read=/w/.asterisk/calibrate,/w/datasets/s.json"],
  );
  // Unscoped read in the parent: the child still reads only what it uses.
  assert.deepEqual(
    responderPermissions({
      runDir: "/w/run",
      scenario: "/elsewhere/s.json",
      mayAccess: (name, path) => name === "read" || path === "/w/run",
    }),
    ["--allow-read=/w/run,/elsewhere/s.json", "--allow-write=/w/run"],
  );
});

Deno.test("a path with a comma, which no permission flag can name, is refused", () => {
  assert.throws(
    () =>
      responderPermissions({
        runDir: "/w/a,b",
        scenario: "ptp-mock",
        mayAccess: () => true,
      }),
    /path '\/w\/a,b' holds a comma/,
  );
});

Deno.test("the responder child is the Deno executable the run permission names", () => {
  const options = {
    runDir: "/w/run",
    scenario: "ptp-mock",
    mayAccess: SANDBOX,
    standalone: false,
    execPath: EXEC_PATH,
  };
  // `--allow-run=deno` where PATH's deno is a symlink to EXEC_PATH.
  assert.equal(
    respondCommand([], { ...options, mayRun: (c) => c === "deno" }).command,
    "deno",
  );
  assert.equal(
    respondCommand([], { ...options, mayRun: () => true }).command,
    EXEC_PATH,
  );
  // Neither: the running executable, whose spawn fails naming it.
  assert.equal(
    respondCommand([], { ...options, mayRun: () => false }).command,
    EXEC_PATH,
  );
});

Deno.test("a compiled binary's responder child is the binary, with its own baked-in permissions", () => {
  const { command, args } = respondCommand(["--quiet"], {
    runDir: "/w/run",
    scenario: "ptp-mock",
    mayAccess: SANDBOX,
    standalone: true,
    execPath: "/usr/local/bin/asterisk",
  });
  assert.equal(command, "/usr/local/bin/asterisk");
  assert.deepEqual(args, ["respond", "--quiet"]);
});

Deno.test("denoExecutable asks the real permission state by default", () => {
  // The test task grants unscoped run: the running executable is allowed.
  assert.equal(denoExecutable(), Deno.execPath());
});

Deno.test("calibrate's responder child under deno run is respond_main.ts with the parsed flags, a compiled binary's is its respond command", () => {
  const flags = ["--run-dir=/w/run", "--scenario=ptp-mock", "--quiet"];
  const options = {
    runDir: "/w/run",
    scenario: "ptp-mock",
    mayAccess: SANDBOX,
    mayRun: () => true,
    execPath: EXEC_PATH,
  };
  const { command, args } = responderChildCommand(flags, {
    ...options,
    standalone: false,
  });
  assert.equal(command, EXEC_PATH);
  assert.deepEqual(
    permissionFlags(args),
    permissionFlags(
      respondCommand(flags, { ...options, standalone: false }).args,
    ),
  );
  assert.match(args.at(-2)!, /\/src\/responder\/respond_main\.ts$/);
  assert.deepEqual(
    decodeRespondFlags(args.at(-1)),
    parseRespondFlags(flags),
  );
  assert.equal(decodeRespondFlags(args.at(-1)).pollInterval, 200);
  assert.deepEqual(
    responderChildCommand(flags, { ...options, standalone: true }),
    respondCommand(flags, { ...options, standalone: true }),
  );
  assert.throws(
    () => responderChildCommand(["--no-such-flag"], options),
    UsageError,
  );
});

Deno.test("respond_main.ts refuses flags that are not the JSON object calibrate passes", async () => {
  for (const json of [undefined, "{", "[]", '{"runDir":"/w/run"}']) {
    assert.throws(() => decodeRespondFlags(json), UsageError);
  }
  const errors: string[] = [];
  const terminal = new Terminal({
    writeOut: () => {},
    writeErr: (text) => errors.push(text),
    errIsTerminal: false,
  });
  assert.equal(await runRespondMain(["{"], { terminal }), ExitCode.Usage);
  assert.match(errors.join(""), /Cannot read respond flags "\{": not JSON/);
});
