import assert from "node:assert/strict";
import { join } from "node:path";
import { type PersonConsole, StdinDispatcher } from "./stdin_dispatcher.ts";
import { DispatchError } from "./dispatch_error.ts";
import type { DispatchContext } from "./dispatcher.ts";
import { ARTIFACT_JSON_SCHEMAS } from "../pipeline/artifact_json_schemas.ts";

/** A console answering from a script; each answer may write the artifact first. */
function scripted(
  answers: (() => Promise<string | null>)[],
  interactive = true,
): PersonConsole & { shown: string[] } {
  const shown: string[] = [];
  return {
    interactive,
    shown,
    ask(lines) {
      shown.push(...lines);
      const next = answers.shift();
      return next ? next() : new Promise(() => {});
    },
    info(line) {
      shown.push(line);
    },
  };
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function contextIn(dir: string, extra: Partial<DispatchContext> = {}) {
  return {
    caseId: "C1",
    step: "F1_TRIAGE",
    prompt: "Triage prompt",
    schema: ARTIFACT_JSON_SCHEMAS.F1_TRIAGE,
    promptPath: join(dir, "prompt-triage.md"),
    artifactPath: join(dir, "triage-result.json"),
    ...extra,
  } satisfies DispatchContext;
}

Deno.test("stdin dispatch shows the paths and reads the saved artifact", async () => {
  await withDir(async (dir) => {
    const context = contextIn(dir);
    const console = scripted([async () => {
      await Deno.writeTextFile(
        context.artifactPath,
        '{"symptom_category":"x"}',
      );
      return "";
    }]);
    const data = await new StdinDispatcher(console).dispatch(context);
    assert.deepEqual(data, { symptom_category: "x" });
    assert.ok(console.shown.includes(`Prompt:   ${context.promptPath}`));
    assert.ok(console.shown.includes(`Artifact: ${context.artifactPath}`));
    assert.ok(console.shown.some((l) => l.startsWith("Read artifact (")));
  });
});

Deno.test("stdin dispatch explains a missing, malformed or invalid reply and asks again", async () => {
  await withDir(async (dir) => {
    const context = contextIn(dir, {
      validate: (d) => {
        if ((d as { ok?: boolean }).ok !== true) {
          throw new Error("field 'ok' must be true");
        }
      },
    });
    const console = scripted([
      () => Promise.resolve(""),
      async () => {
        await Deno.writeTextFile(context.artifactPath, "{not json");
        return "";
      },
      async () => {
        await Deno.writeTextFile(context.artifactPath, '{"ok":false}');
        return "";
      },
      async () => {
        await Deno.writeTextFile(context.artifactPath, '{"ok":true}');
        return "";
      },
    ]);
    assert.deepEqual(await new StdinDispatcher(console).dispatch(context), {
      ok: true,
    });
    const text = console.shown.join("\n");
    assert.match(text, /No artifact at '.*triage-result\.json'/);
    assert.match(text, /invalid JSON/);
    assert.match(text, /field 'ok' must be true/);
  });
});

Deno.test("stdin dispatch refuses an artifact that is a symlink or leaves the run directory, and asks again", async () => {
  await withDir(async (dir) => {
    const run = join(dir, "run");
    const outside = join(dir, "outside.json");
    await Deno.mkdir(run);
    await Deno.writeTextFile(outside, '{"symptom_category":"outside"}');
    const context = contextIn(run);
    const escaping = contextIn(run, {
      artifactPath: join(run, "..", "outside.json"),
    });
    const console = scripted([
      async () => {
        await Deno.symlink(outside, context.artifactPath);
        return "";
      },
      async () => {
        await Deno.remove(context.artifactPath);
        await Deno.writeTextFile(
          context.artifactPath,
          '{"symptom_category":"inside"}',
        );
        return "";
      },
      () => Promise.resolve(""),
    ]);
    const dispatcher = new StdinDispatcher(console, { confineTo: run });
    assert.deepEqual(await dispatcher.dispatch(context), {
      symptom_category: "inside",
    });
    const text = console.shown.join("\n");
    assert.match(
      text,
      /Refusing path '.*triage-result\.json': a symlink leads it to '.*outside\.json'.*; save the reply as a regular file/,
    );
    // A path outside the run directory is never read either: refused, then
    // end of input ends the dispatch.
    const second = scripted([
      () => Promise.resolve(""),
      () => Promise.resolve(null),
    ]);
    await assert.rejects(
      new StdinDispatcher(second, { confineTo: run }).dispatch(escaping),
      (error: unknown) =>
        error instanceof DispatchError && error.reason === "input-closed",
    );
    const shown = second.shown.join("\n");
    assert.match(
      shown,
      /Refusing path '.*outside\.json': it leaves the directory/,
    );
    assert.ok(!shown.includes("Read artifact"));
  });
});

Deno.test("stdin dispatch without a terminal fails at once", async () => {
  const console = scripted([], false);
  await assert.rejects(
    new StdinDispatcher(console).dispatch(contextIn("/tmp")),
    (e) =>
      e instanceof DispatchError && e.reason === "no-terminal" &&
      /standard input is not a terminal/.test(e.message),
  );
  assert.deepEqual(console.shown, []);
});

Deno.test("stdin dispatch fails at end of input and on abort", async () => {
  await assert.rejects(
    new StdinDispatcher(scripted([() => Promise.resolve(null)])).dispatch(
      contextIn("/tmp"),
    ),
    (e) =>
      e instanceof DispatchError && /Standard input closed/.test(e.message),
  );
  const controller = new AbortController();
  const pending = new StdinDispatcher(scripted([])).dispatch(
    contextIn("/tmp", { signal: controller.signal }),
  );
  controller.abort();
  await assert.rejects(
    pending,
    (e) => e instanceof DispatchError && e.reason === "aborted",
  );
});
