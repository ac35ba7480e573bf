/**
 * Renders a {@linkcode CalibrationReport} as one self-contained HTML page:
 * the metrics against their thresholds as bars, the per-case table with
 * paths, and filters for failing metrics and cases (`#failing` in the
 * address turns both on). Styles and the filter script are inline; a
 * Content-Security-Policy forbids every network load.
 *
 * @module
 */
import type { CalibrationReport } from "../core/calibration_report.ts";
import type { CaseResult } from "../core/case_result.ts";
import { allMetrics, type Metric } from "../core/metric.ts";
import { metricDefinition } from "../metrics/metric_table.ts";
import { aspectRight, wrongAspects } from "./case_verdict.ts";
import {
  formatMetricDetail,
  formatMetricValue,
  formatThreshold,
} from "./format_report.ts";
import { reportVerdict } from "./report_verdict.ts";
import { escapeHtml } from "../util/escape_text.ts";

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}.pass{color:#1a7f37}.fail{color:#cf222e}
table{border-collapse:collapse;width:100%;margin:1em 0}
th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.bar{position:relative;width:240px;height:14px;background:#eee;border-radius:3px}
.fill{position:absolute;left:0;top:0;bottom:0;border-radius:3px}
.fill.pass{background:#2da44e}.fill.fail{background:#e5534b}
.mark{position:absolute;top:-3px;bottom:-3px;width:2px;background:#222}
.band{position:absolute;top:0;bottom:0;background:rgba(0,0,0,.12)}
code{font-size:.95em}.hidden{display:none}
.filters label{margin-right:1.5em}
`;

const SCRIPT = `
function apply(){
  var m=document.getElementById('only-failing-metrics').checked;
  var c=document.getElementById('only-failing-cases').checked;
  var q=document.getElementById('case-search').value.toLowerCase();
  document.querySelectorAll('tr.metric').forEach(function(r){
    r.classList.toggle('hidden',m&&r.dataset.pass==='1');});
  var shown=0;
  document.querySelectorAll('tr.case').forEach(function(r){
    var hide=(c&&r.dataset.wrong==='0')||(q&&r.textContent.toLowerCase().indexOf(q)<0);
    r.classList.toggle('hidden',hide);if(!hide)shown++;});
  document.getElementById('case-count').textContent=shown;
}
if(location.hash==='#failing'){
  document.getElementById('only-failing-metrics').checked=true;
  document.getElementById('only-failing-cases').checked=true;}
document.querySelectorAll('.filters input').forEach(function(i){
  i.addEventListener('input',apply);i.addEventListener('change',apply);});
apply();
`;

/** Upper end of a metric's bar scale. */
function scaleMax(metric: Metric): number {
  const d = metricDefinition(metric.id);
  const top = Math.max(metric.value, metric.threshold, d.range?.max ?? 0);
  return d.unit === "ratio" && top <= 1 ? 1 : top * 1.1;
}

function percent(value: number, max: number): string {
  const share = max <= 0 || !Number.isFinite(value)
    ? 0
    : Math.min(Math.max(value / max, 0), 1);
  return `${(share * 100).toFixed(1)}%`;
}

function bar(metric: Metric): string {
  const d = metricDefinition(metric.id);
  const max = scaleMax(metric);
  const state = metric.pass ? "pass" : "fail";
  const limit = d.range
    ? `<span class="band" style="left:${percent(d.range.min, max)};width:${
      percent(d.range.max - d.range.min, max)
    }"></span>`
    : `<span class="mark" style="left:${
      percent(metric.threshold, max)
    }"></span>`;
  return `<div class="bar" role="img" aria-label="${
    escapeHtml(
      `${formatMetricValue(metric)} against ${formatThreshold(metric)}`,
    )
  }"><span class="fill ${state}" style="width:${
    percent(metric.value, max)
  }"></span>${limit}</div>`;
}

function metricRow(metric: Metric): string {
  const d = metricDefinition(metric.id);
  return `<tr class="metric" data-id="${metric.id}" data-pass="${
    metric.pass ? 1 : 0
  }"><td class="${metric.pass ? "pass" : "fail"}">${
    metric.pass ? "✓" : "✗"
  }</td><td>${metric.id}</td><td title="${escapeHtml(d.formula)}">${
    escapeHtml(metric.name)
  }</td><td class="num">${escapeHtml(formatMetricValue(metric))}</td><td>${
    escapeHtml(formatThreshold(metric))
  }</td><td>${bar(metric)}</td><td>${
    escapeHtml(formatMetricDetail(metric))
  }</td></tr>`;
}

function caseRow(result: CaseResult): string {
  const cell = (aspect: "defect" | "component" | "path", text: string) => {
    const ok = aspectRight(result, aspect);
    return `<td class="${ok ? "pass" : "fail"}">${ok ? "✓" : "✗"} ${
      escapeHtml(text)
    }</td>`;
  };
  const path = result.actual_path.length === 0
    ? "(no steps)"
    : result.actual_path.join(" → ");
  return `<tr class="case" data-id="${
    escapeHtml(result.case_id)
  }" data-wrong="${wrongAspects(result).length > 0 ? 1 : 0}"><td>${
    escapeHtml(result.case_id)
  }</td><td>${escapeHtml(result.test_name)}</td><td>${
    escapeHtml(`${result.version} ${result.job}`)
  }</td>${cell("defect", result.actual_defect_type || "(none)")}${
    cell("component", result.actual_component || "(none)")
  }${cell("path", path)}<td>${
    result.error === undefined ? "" : `failed: ${escapeHtml(result.error)}`
  }</td></tr>`;
}

/** Renders the HTML page. */
export function formatHtmlReport(report: CalibrationReport): string {
  const verdict = reportVerdict(report);
  const wrong = report.case_results.filter((c) => wrongAspects(c).length > 0);
  const title = `Asterisk calibration: ${
    verdict.pass ? "PASS" : "FAIL"
  } — ${report.scenario}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1 id="verdict" class="${verdict.pass ? "pass" : "fail"}">${
    escapeHtml(title)
  }</h1>
<p>${verdict.passed}/${verdict.total} metrics within threshold · ${report.case_results.length} cases, ${wrong.length} wrong${
    verdict.failedCases.length > 0
      ? `, ${verdict.failedCases.length} failed`
      : ""
  } · adapter <code>${escapeHtml(report.adapter)}</code> · dispatch <code>${
    escapeHtml(report.dispatch)
  }</code> · ${report.runs} run${report.runs === 1 ? "" : "s"}</p>
<div class="filters">
<label><input type="checkbox" id="only-failing-metrics"> only failing metrics</label>
<label><input type="checkbox" id="only-failing-cases"> only wrong cases</label>
<label>find case <input type="search" id="case-search"></label>
</div>
<h2>Metrics</h2>
<table id="metrics">
<thead><tr><th></th><th>Id</th><th>Metric</th><th>Value</th><th>Threshold</th><th>Against threshold</th><th>Detail</th></tr></thead>
<tbody>
${allMetrics(report.metrics).map(metricRow).join("\n")}
</tbody>
</table>
<h2>Cases (<span id="case-count">${report.case_results.length}</span> shown)</h2>
<table id="cases">
<thead><tr><th>Case</th><th>Test</th><th>Version / job</th><th>Defect</th><th>Component</th><th>Path</th><th>Error</th></tr></thead>
<tbody>
${report.case_results.map(caseRow).join("\n")}
</tbody>
</table>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
