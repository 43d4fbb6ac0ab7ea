/**
 * report.html: the run report as one self-contained page. The core builds the charts' Vega-Lite
 * specs from aggregates (core/report/charts); here each is compiled with vega-lite and rendered to
 * an SVG string by vega in Node (no browser, no canvas), and inlined with the run facts and CSS.
 * The page has no script, no external font, image or link target: it works offline, on a phone and
 * on paper.
 */
import type { Profile } from '../core/config.ts';
import type { Locale, ScoreRun } from '../core/types.ts';
import { amount, pct, reportContent, tr, type Chart, type ReportContent } from '../core/report/charts/index.ts';
import { label } from '../core/labels.ts';

export interface ReportInput {
  /** The summary.json document (datasetSummary): counts, rejects, detections, warnings, models. */
  summary: Record<string, unknown>;
  /** The scored run; absent for a --summary-only run (the page then shows the run facts only). */
  run?: ScoreRun;
  profile: Profile;
  /** Shown in the page title: the dataset or the first input's name. */
  name?: string;
}

type Vega = typeof import('vega');
type VegaLite = typeof import('vega-lite');
let engines: Promise<[Vega, VegaLite]> | undefined;
/** vega and vega-lite, loaded once and only when a report is written. */
const loadEngines = () => (engines ??= Promise.all([import('vega'), import('vega-lite')]));
/** Starts loading vega and vega-lite (about a second) so a later report does not wait for them; a failure shows when the report is rendered. */
export function preloadEngines(): void {
  loadEngines().catch(() => undefined);
}

/** One Vega-Lite spec → an SVG string (headless: text widths are estimated). */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const [vega, vl] = await loadEngines();
  // Compiler notes (e.g. merged sort orders of layered scales) are not the reader's business.
  const compiled = vl.compile(spec as never, { logger: vega.logger(vega.None) }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function table(head: string[], rows: (string | number)[][], numeric: number[] = []): string {
  if (!rows.length) return '';
  const cell = (v: string | number, j: number, tag: string) => `<${tag}${numeric.includes(j) ? ' class="n"' : ''}>${esc(v)}</${tag}>`;
  return `<div class="scroll"><table><thead><tr>${head.map((h, j) => cell(h, j, 'th')).join('')}</tr></thead><tbody>${
    rows.map((r) => `<tr>${r.map((v, j) => cell(v, j, 'td')).join('')}</tr>`).join('')}</tbody></table></div>`;
}

async function figure(c: Chart): Promise<string> {
  const svg = await renderSvg(c.spec);
  return `<figure class="chart" id="${esc(c.id)}"><h2>${esc(c.title)}</h2><p class="reading">${esc(c.reading)}</p>${svg}</figure>`;
}

function warningList(content: ReportContent, locale: Locale): string {
  if (!content.warnings.length) return '';
  const top = content.warnings.reduce((s, w) => s + w.valueAtRisk, 0);
  const reading = tr(locale,
    `The ${content.warnings.length} customers with the most value at risk hold ${amount(top)} of it (${pct(content.valueAtRisk ? top / content.valueAtRisk : 0)} of the ${amount(content.valueAtRisk)} at risk overall): call them first.`,
    `风险价值最高的 ${content.warnings.length} 位客户合计 ${amount(top)}（占全部风险价值 ${amount(content.valueAtRisk)} 的 ${pct(content.valueAtRisk ? top / content.valueAtRisk : 0)}）：优先联系他们。`);
  const head = tr(locale, 'customer|tier|CLV|P(alive)|value if active|value at risk|churn risk', '客户|层级|CLV|活跃概率|若仍活跃的价值|风险价值|流失风险').split('|');
  const rows = content.warnings.map((w) => [w.id, label('tier', w.tier, locale), amount(w.clv), pct(w.pAlive), amount(w.valueIfAlive), amount(w.valueAtRisk), label('churnRisk', w.churnRisk, locale)]);
  return `<section class="facts" id="churn-warnings"><h2>${esc(tr(locale, 'Churn warning list', '流失预警名单'))}</h2><p class="reading">${esc(reading)}</p>${table(head, rows, [2, 3, 4, 5])}</section>`;
}

type Obj = Record<string, unknown>;
const obj = (x: unknown): Obj => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Obj) : {});
const arr = (x: unknown): Obj[] => (Array.isArray(x) ? x.map(obj) : []);
const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);

/** Inputs, rejects, status exclusions, warnings, model parameters and the profile, from summary.json. */
function runFacts(input: ReportInput, locale: Locale): string {
  const s = input.summary;
  const parts: string[] = [];
  const h3 = (en: string, zh: string) => `<h3>${esc(tr(locale, en, zh))}</h3>`;
  const counts = obj(s.counts);
  const countRows = Object.entries(counts).map(([kind, c]) => [kind, n(obj(c).read), n(obj(c).accepted), n(obj(c).rejected)]);
  parts.push(h3('Rows by table', '各表行数'), table(tr(locale, 'table|read|accepted|rejected', '表|读取|接受|拒绝').split('|'), countRows, [1, 2, 3]));
  const files = arr(s.detections).map((d) => {
    const l = obj(d.lines);
    const rows = d.lines ? n(l.physical) - n(l.header) - n(l.blank) - n(l.joined) : '';
    return [String(d.source ?? ''), String(d.kind ?? ''), String(d.format ?? ''), String(d.encoding ?? ''), String(d.dateOrder ?? ''), rows];
  });
  parts.push(h3('Input files', '输入文件'), table(tr(locale, 'file|table|format|encoding|date order|rows read', '文件|表|格式|编码|日期顺序|读取行数').split('|'), files, [5]));
  const reasons = Object.entries(obj(s.rejectReasons)).map(([r, c]) => [r, n(c)]).sort((a, b) => Number(b[1]) - Number(a[1])).slice(0, 10);
  if (reasons.length) parts.push(h3('Top reject reasons (rejects.csv lists every line)', '主要拒绝原因（rejects.csv 列出每一行）'), table(tr(locale, 'reason|rows', '原因|行数').split('|'), reasons, [1]));
  const excluded = arr(s.detections).flatMap((d) => arr(d.statuses).filter((x) => x.class !== 'kept').map((x) => [String(d.source ?? ''), String(x.value ?? ''), String(x.class ?? ''), String(x.rule ?? ''), n(x.rows)]));
  if (excluded.length) parts.push(h3('Order statuses excluded', '被排除的订单状态'), table(tr(locale, 'file|status|class|rule|rows', '文件|状态|类别|规则|行数').split('|'), excluded.slice(0, 30), [4]));
  const warnings = Array.isArray(s.warnings) ? (s.warnings as unknown[]).map(String) : [];
  if (warnings.length) parts.push(h3('Warnings', '警告'), `<ul class="warnings">${warnings.slice(0, 50).map((w) => `<li>${esc(w)}</li>`).join('')}</ul>`);
  const models = Object.entries(obj(input.run?.models ?? {}));
  const paramRows = models.flatMap(([m, f]) => {
    const fit = obj(f);
    const se = obj(fit.standardErrors);
    return Object.entries(obj(fit.params)).map(([p, v]) => [m, p, n(v).toPrecision(4), Number.isFinite(se[p] as number) ? n(se[p]).toPrecision(3) : '–', fit.converged ? '✓' : '✗']);
  });
  if (paramRows.length) parts.push(h3('Model parameters', '模型参数'), table(tr(locale, 'model|parameter|estimate|standard error|converged', '模型|参数|估计值|标准误|收敛').split('|'), paramRows, [2, 3]));
  parts.push(`<details><summary>${esc(tr(locale, 'Profile (settings of this run)', '配置（本次运行的设置）'))}</summary><pre>${esc(JSON.stringify(input.profile, null, 2))}</pre></details>`);
  return `<section class="facts" id="run-facts"><h2>${esc(tr(locale, 'Run facts', '运行信息'))}</h2>${parts.join('')}</section>`;
}

const CSS = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#111827;background:#f3f4f6}
main{max-width:860px;margin:0 auto;padding:16px}
header h1{font-size:1.5rem;margin:.2em 0}
.meta{color:#4b5563;margin:0 0 1em}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px;margin:0 0 16px}
.kpi{background:#fff;border-radius:8px;padding:10px 12px}.kpi b{display:block;font-size:1.25rem}
.chart,.facts{background:#fff;border-radius:8px;padding:12px 14px;margin:0 0 16px}
.chart h2,.facts h2{font-size:1.1rem;margin:0 0 .2em}
.facts h3{font-size:.95rem;margin:1em 0 .3em}
.reading{margin:0 0 .6em;color:#1f2937;font-weight:500}
.chart svg{width:100%;max-width:640px;height:auto;display:block;margin:0 auto}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #e5e7eb;white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
pre{font-size:.75rem;white-space:pre-wrap;word-break:break-all}
.warnings li{margin:.2em 0}
footer{color:#6b7280;font-size:.8rem;text-align:center;padding:8px}
@media (max-width:480px){main{padding:8px}body{font-size:14px}}
@media print{body{background:#fff}main{max-width:none;padding:0}.chart,.facts{break-inside:avoid;page-break-inside:avoid;border:1px solid #e5e7eb}details>*{display:block}}
@page{margin:12mm}
`;

/** The complete report.html text. */
export async function renderReport(input: ReportInput): Promise<string> {
  const locale: Locale = input.profile.locale;
  const s = input.summary;
  const run = input.run;
  const content = run ? reportContent(run, locale, obj(obj(s.models).choice)) : undefined;
  const figures: string[] = [];
  for (const c of content?.charts ?? []) figures.push(await figure(c));
  const rows = obj(s.rows);
  const kpi = (v: string, en: string, zh: string) => `<div class="kpi"><b>${esc(v)}</b>${esc(tr(locale, en, zh))}</div>`;
  const kpis = [
    kpi(amount(n(s.customers)), 'customers', '位客户'),
    kpi(amount(n(rows.read)), 'rows read', '行已读取'),
    kpi(amount(n(rows.rejected)), 'rows rejected', '行被拒绝'),
    ...(run ? [kpi(amount(run.customerEquity), 'customer equity (Σ CLV)', '客户资产（CLV 合计）')] : []),
  ];
  const title = tr(locale, 'Customer report', '客户报告') + (input.name ? ` — ${input.name}` : '');
  const meta = tr(locale,
    `As of ${String(s.asOf ?? input.profile.asOf ?? '')} · time unit ${String(s.timeUnit ?? input.profile.timeUnit)}${s.calibrationEnd ? ` · calibration end ${String(s.calibrationEnd)}` : ''}`,
    `截至 ${String(s.asOf ?? input.profile.asOf ?? '')} · 时间单位 ${String(s.timeUnit ?? input.profile.timeUnit)}${s.calibrationEnd ? ` · 校准期截止 ${String(s.calibrationEnd)}` : ''}`);
  const noScores = run ? '' : `<p class="reading">${esc(tr(locale, 'This run was not scored (summary only or no usable rows): the page shows the run facts.', '本次运行未评分（仅汇总或无可用行）：页面只显示运行信息。'))}</p>`;
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header><h1>${esc(title)}</h1><p class="meta">${esc(meta)}</p></header>
<div class="kpis">${kpis.join('')}</div>
${noScores}
${figures.join('\n')}
${content ? warningList(content, locale) : ''}
${runFacts(input, locale)}
<footer>customer-pyramid · report.html</footer>
</main>
</body>
</html>
`;
}
