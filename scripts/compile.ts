/**
 * Builds the self-contained `asterisk` executable with `deno compile`.
 *
 * `deno compile` needs the `denort` runtime. By default Deno downloads it from
 * Deno's own servers; where those are unreachable, point `DENORT_BIN` at a
 * local denort binary of the same Deno version and it is used instead.
 *
 * Usage: deno task compile [--output <path>]   (default dist/asterisk)
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { basename, dirname, join, resolve } from "node:path";
import { Command } from "commander";

/**
 * Permissions baked into the binary at `output`, as narrow as the tasks':
 * read anywhere (scenario files), write `.asterisk` only (relative, so it is
 * the `.asterisk` of the directory the binary runs in), run only the binary
 * itself (its responder child and `respond --mcp` servers), no network, no
 * environment. The binary's own path is where it is built, with symlinks
 * resolved as in `Deno.execPath()`: a binary moved elsewhere cannot start its
 * responder child, so build it with `--output` at its final place.
 */
export function binaryPermissions(output: string): string[] {
  return [
    "--allow-read",
    "--allow-write=.asterisk",
    `--allow-run=${canonicalOutput(output)}`,
  ];
}

/** `output` made absolute, its directory's symlinks resolved when it exists. */
function canonicalOutput(output: string): string {
  const absolute = resolve(output);
  try {
    return join(Deno.realPathSync(dirname(absolute)), basename(absolute));
  } catch {
    return absolute;
  }
}

/** Arguments of the `deno compile` call that builds the binary at `output`. */
export function compileArgs(output: string): string[] {
  const root = fileURLToPath(new URL("../", import.meta.url));
  return [
    "compile",
    ...binaryPermissions(output),
    "--no-prompt",
    "--output",
    output,
    resolve(root, "src/main.ts"),
  ];
}

/** Returns why no denort is usable, or undefined when DENORT_BIN names a file. */
export function denortProblem(): string | undefined {
  const denort = Deno.env.get("DENORT_BIN");
  if (!denort) {
    return "DENORT_BIN is not set, so deno compile would download denort from Deno's servers";
  }
  try {
    if (Deno.statSync(denort).isFile) return undefined;
    return `DENORT_BIN='${denort}' is not a file; expected a denort binary`;
  } catch {
    return `DENORT_BIN='${denort}' does not exist; expected a denort binary`;
  }
}

/**
 * Runs the built `binary` with `--help` and checks it answers as asterisk: a
 * `DENORT_BIN` that is not a denort (the plain `deno` binary, say) yields an
 * executable that runs as something else.
 *
 * @returns why the binary is not asterisk, or undefined when it is.
 */
export async function binaryProblem(
  binary: string,
): Promise<string | undefined> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(binary, {
      args: ["--help"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
  } catch (error) {
    return `the built binary '${binary}' cannot run (${
      (error as Error).message
    })`;
  }
  const text = new TextDecoder().decode(output.stdout);
  if (output.code === 0 && /^Usage: asterisk /m.test(text)) return undefined;
  const first = (text.split("\n").find((l) => l.trim() !== "") ?? "").trim();
  return `the built binary '${binary}' does not answer as asterisk (exit ${output.code}, first line '${
    first.slice(0, 80)
  }'); expected DENORT_BIN to be a denort binary, not deno`;
}

if (import.meta.main) {
  const program = new Command("compile")
    .option("--output <path>", "where to write the executable", "dist/asterisk")
    .configureOutput({
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .parse(Deno.args, { from: "user" });
  const { output } = program.opts<{ output: string }>();
  const problem = denortProblem();
  if (problem && Deno.env.get("DENORT_BIN")) {
    console.error(`error: ${problem}`);
    Deno.exit(2);
  }
  if (problem) console.error(`note: ${problem}; trying that`);
  // The binary's run permission names its real path: its directory first.
  await Deno.mkdir(dirname(resolve(output)), { recursive: true });
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: compileArgs(output),
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) {
    console.error(
      "error: deno compile failed; where Deno's servers are unreachable, set DENORT_BIN to a local denort binary of the same Deno version",
    );
    Deno.exit(code);
  }
  const broken = await binaryProblem(output);
  if (broken) {
    // A binary that is not asterisk must not be left for someone to ship.
    await Deno.remove(output).catch(() => {});
    console.error(`error: ${broken}`);
    Deno.exit(1);
  }
}
