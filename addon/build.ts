/**
 * Builds the Sheets add-on into addon/dist/: Code.js (one classic script), Sidebar.html, appsscript.json.
 *
 * Apps Script has no modules and makes every top-level function callable, so the whole add-on is
 * bundled into one IIFE (global `CustomerPyramid`) and only the public entry points get a top-level
 * `function` that forwards into it. Custom functions carry JSDoc with @customfunction so Sheets
 * offers them in autocomplete.
 *
 * Usage: npm run addon:build   (or import { buildAddon } from './build.ts')
 */
import { build, type Plugin } from 'esbuild';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const GLOBAL_NAME = 'CustomerPyramid';

interface EntryPoint {
  name: string;
  doc: string;
  params: { name: string; doc: string }[];
  custom?: boolean;
}

const p = (name: string, doc: string) => ({ name, doc });

/** Exactly the functions Apps Script and Sheets may see. Everything else stays inside the IIFE. */
export const ENTRY_POINTS: EntryPoint[] = [
  { name: 'onOpen', doc: 'Adds the customer-pyramid menu.', params: [p('e', 'The open event.')] },
  { name: 'onInstall', doc: 'Adds the menu right after installation.', params: [p('e', 'The install event.')] },
  { name: 'showSidebar', doc: 'Opens the "Segment customers" sidebar.', params: [] },
  { name: 'showHelp', doc: 'Opens the Help / About dialog.', params: [] },
  { name: 'insertSampleData', doc: 'Adds a small sample order sheet with example formulas.', params: [] },
  { name: 'getSheetInfo', doc: 'Sidebar: sheets of this spreadsheet, locale and time zone.', params: [] },
  { name: 'getSelection', doc: 'Sidebar: the selected range, for "Use selection".', params: [] },
  { name: 'detectColumns', doc: 'Sidebar: detected column roles of a sheet or of a range of it.', params: [p('sheetName', 'Sheet to inspect.'), p('range', 'A1 range with the header row first; blank for the whole sheet.')] },
  { name: 'runSegmentation', doc: 'Sidebar: starts scoring the chosen sheet; returns the result, or { continue: true } for resumeRun.', params: [p('options', 'Sheet, range, columns, profile settings and output.')] },
  { name: 'resumeRun', doc: 'Sidebar: continues a run where its last execution stopped.', params: [p('runId', 'The id the sidebar passed to runSegmentation.')] },
  { name: 'cancelRun', doc: 'Sidebar: stops a running segmentation at its next chunk, before anything is written.', params: [p('runId', 'The id the sidebar passed to runSegmentation.')] },
  { name: 'getProgress', doc: 'Sidebar: progress of a running segmentation.', params: [p('runId', 'The id the sidebar passed to runSegmentation.')] },
  {
    name: 'PYRAMID_SCORES', custom: true,
    doc: 'Every per-customer score in one fit (P(alive), CLV, tier, RFM, lifecycle, churn risk …), with a header row in the sheet\'s language.',
    params: [p('ids', 'Customer id column.'), p('dates', 'Order date column.'), p('amounts', 'Order amount column.'),
      p('as_of', 'As-of date (a date cell, "2024-07-01" or "2024/07/01"); never NOW().'),
      p('options', '[optional] A two-column range (key, value) or text "horizon=26; discount=8%; margin=0.4; model=bgnbd; tier=ibm; locale=zh-CN".')],
  },
  {
    name: 'PYRAMID_RFM', custom: true,
    doc: 'RFM scores (1 = worst … bins = best) and segment per customer, with a header row. Fits no model.',
    params: [p('ids', 'Customer id column.'), p('dates', 'Order date column.'), p('amounts', 'Order amount column.'),
      p('as_of', 'As-of date (a date cell, "2024-07-01" or "2024/07/01"); never NOW().'), p('bins', '[optional] Score bins, default 5.'),
      p('locale', '[optional] "en" or "zh-CN" labels; default from the spreadsheet.')],
  },
  {
    name: 'PYRAMID_CLV', custom: true,
    doc: 'P(alive), expected purchases, expected spend and CLV per customer (BG/NBD + Gamma-Gamma), with a header row.',
    params: [p('ids', 'Customer id column.'), p('dates', 'Order date column.'), p('amounts', 'Order amount column.'),
      p('as_of', 'As-of date (a date cell, "2024-07-01" or "2024/07/01"); never NOW().'),
      p('horizon', '[optional] Horizon in time units, default one year (52 weeks, 365 days or 12 months).'), p('discount_rate', '[optional] Annual discount rate from 0 to 1 (or "10%"), default 0.1.'),
      p('margin', '[optional] Gross margin 0–1, default 1.'), p('time_unit', '[optional] "day", "week" (default) or "month".'),
      p('locale', '[optional] "en" or "zh-CN" labels.')],
  },
  {
    name: 'PYRAMID_TIER', custom: true,
    doc: 'Pyramid tier of each value (one output row per input row).',
    params: [p('values', 'Value column (CLV, profit or revenue).'), p('scheme', '[optional] "zeithaml" (default), "ibm" or "pareto".'),
      p('locale', '[optional] "en" or "zh-CN" labels.')],
  },
  {
    name: 'PYRAMID_RETENTION', custom: true,
    doc: 'Retention and churn rate per period: period, active, retained, retention rate, churn rate.',
    params: [p('ids', 'Customer id column.'), p('dates', 'Order date column.'),
      p('as_of', 'As-of date (a date cell, "2024-07-01" or "2024/07/01"); never NOW().'),
      p('period', '[optional] "week", "month" (default), "quarter" or "year".'), p('locale', '[optional] "en" or "zh-CN" labels.')],
  },
  {
    name: 'PYRAMID_NPS', custom: true,
    doc: 'Net Promoter Score: % promoters (9–10) − % detractors (0–6).',
    params: [p('scores', 'Answers on 0–10.')],
  },
  {
    name: 'PYRAMID_CSAT', custom: true,
    doc: 'CSAT %: share of answers 4–5 on a 1–5 scale.',
    params: [p('scores', 'Answers on 1–5.')],
  },
  {
    name: 'PYRAMID_SATISFACTION', custom: true,
    doc: 'Satisfaction ladder level per row: 0 dissatisfied, 1 satisfied, 2 will come back, 3 will recommend.',
    params: [p('csat', 'CSAT answers 1–5.'), p('nps', 'NPS answers 0–10.'), p('will_return', 'Will come back (yes/no).'),
      p('will_recommend', 'Will recommend (yes/no).'), p('locale', '[optional] "en" or "zh-CN": return labels instead of numbers.')],
  },
];

function wrapper(e: EntryPoint): string {
  const lines = ['/**', ` * ${e.doc}`];
  for (const q of e.params) lines.push(` * @param {${e.custom ? 'any' : 'Object'}} ${q.name} ${q.doc}`);
  if (e.custom) lines.push(' * @return The result, spilling into neighbouring cells.', ' * @customfunction');
  lines.push(' */');
  const args = e.params.map((q) => q.name).join(', ');
  lines.push(`function ${e.name}(${args}) {`, `  return ${GLOBAL_NAME}.${e.name}(${args});`, '}');
  return lines.join('\n');
}

/** Bundles the add-on; returns the Code.js text and writes dist/ files into outDir. */
export async function buildAddon(outDir = join(here, 'dist'), plugins: Plugin[] = []): Promise<{ outDir: string; code: string }> {
  const result = await build({
    entryPoints: [join(here, 'src/index.ts')],
    bundle: true,
    format: 'iife',
    globalName: GLOBAL_NAME,
    target: 'es2020',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
    plugins,
    inject: [join(here, 'src/builtins.ts')],
    // Writes `Infinity` as `1 / 0` (and `undefined` as `void 0`): no global lookup in the models' inner loops (see src/builtins.ts).
    minifySyntax: true,
  });
  const bundle = result.outputFiles[0].text;
  const code = [
    '// customer-pyramid Sheets add-on. Built by addon/build.ts; do not edit.',
    bundle,
    ...ENTRY_POINTS.map(wrapper),
    '',
  ].join('\n');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'Code.js'), code);
  copyFileSync(join(here, 'Sidebar.html'), join(outDir, 'Sidebar.html'));
  copyFileSync(join(here, 'appsscript.json'), join(outDir, 'appsscript.json'));
  return { outDir, code };
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  const { outDir, code } = await buildAddon();
  process.stdout.write(`addon built: ${outDir}/Code.js (${(code.length / 1024).toFixed(0)} KB)\n`);
}
