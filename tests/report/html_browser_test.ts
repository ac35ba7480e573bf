/**
 * Opens the HTML report in headless Chromium: the page renders offline, its
 * script runs, and the `#failing` filter hides the right cases. Skips, with
 * the reason printed, when no Chromium is installed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { formatHtmlReport } from "../../src/report/html_report.ts";
import { sampleReport } from "../support/sample_report.ts";
import { withTempDir } from "../support/temp_dir.ts";

const BROWSERS = ["chromium", "chromium-browser", "google-chrome"];
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
];

async function findBrowser(): Promise<string | undefined> {
  for (const name of BROWSERS) {
    try {
      const { success } = await new Deno.Command(name, {
        args: ["--version"],
        stdout: "null",
        stderr: "null",
      }).output();
      if (success) return name;
    } catch (error) {
      // Not installed under this name: try the next one.
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return undefined;
}

const browser = await findBrowser();
if (browser === undefined) {
  console.log(
    `html_browser_test: skipped, no headless browser found (tried ${
      BROWSERS.join(", ")
    }); install chromium to run it`,
  );
}

async function dumpDom(file: string, hash = ""): Promise<string> {
  const { success, stdout, stderr } = await new Deno.Command(browser!, {
    args: [...FLAGS, "--dump-dom", `${pathToFileURL(file).href}${hash}`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(success, new TextDecoder().decode(stderr));
  return new TextDecoder().decode(stdout);
}

Deno.test({
  name:
    "the HTML report renders in headless Chromium and its filter hides right cases",
  ignore: browser === undefined,
  async fn() {
    const report = structuredClone(await sampleReport());
    report.metrics.structured[0].pass = false;
    report.case_results[1].path_correct = false;
    await withTempDir(async (dir) => {
      const file = join(dir, "report.html");
      await Deno.writeTextFile(file, formatHtmlReport(report));

      const all = await dumpDom(file);
      assert.match(all, /<span id="case-count">12<\/span>/);
      assert.equal(all.match(/<tr class="case[^"]*hidden/g), null);
      assert.equal(all.match(/class="fill (pass|fail)"/g)?.length, 20);

      const failing = await dumpDom(file, "#failing");
      // C2 (path) and C8 (defect) are wrong: the ten others are hidden.
      assert.match(failing, /<span id="case-count">2<\/span>/);
      assert.equal(failing.match(/<tr class="case hidden"/g)?.length, 10);
      assert.equal(failing.match(/<tr class="metric hidden"/g)?.length, 19);
      assert.match(failing, /<tr class="case" data-id="C2"/);
    });
  },
});
