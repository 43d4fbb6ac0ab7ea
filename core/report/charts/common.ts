/** What every chart module returns, and the small helpers they share (locale text, number formats, theme). */
import type { Locale } from '../../types.ts';

/** A Vega-Lite specification (plain JSON; compiled and rendered outside the core). */
export type VegaLiteSpec = Record<string, unknown>;

export interface Chart {
  /** Stable id: the figure's HTML id and the test's handle (`pyramid`, `concentration` …). */
  id: string;
  title: string;
  /** One sentence for a manager: what the chart says. */
  reading: string;
  spec: VegaLiteSpec;
}

/** The text in the report's locale. */
export const tr = (locale: Locale, en: string, zh: string) => (locale === 'zh-CN' ? zh : en);

export const pct = (x: number, digits = 0) => `${(100 * (Number.isFinite(x) ? x : 0)).toFixed(digits)}%`;

/** A money or count amount with thousands grouping, no currency (the exports do not say which). */
export function amount(x: number, digits = 0): string {
  if (!Number.isFinite(x)) return '–';
  const s = Math.abs(x).toFixed(digits);
  const [int, frac] = s.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (x < 0 ? '-' : '') + grouped + (frac ? `.${frac}` : '');
}

/** Chart width in px: phones scale the SVG down, so text stays legible at about 360 px. */
export const WIDTH = 440;

/** Shared look: system fonts only (no web fonts), quiet axes. */
export const CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e5e7eb', domainColor: '#9ca3af', tickColor: '#9ca3af' },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  range: { category: ['#1d4ed8', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#0ea5e9', '#84cc16', '#f97316', '#64748b', '#ec4899', '#14b8a6'] },
};

/** A spec with the shared config and the default size. */
export function base(spec: VegaLiteSpec, height = 260): VegaLiteSpec {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: WIDTH, height, config: CONFIG, background: 'white', ...spec };
}

export interface BarRow { key: string; label: string; customers: number; share?: number; value?: number }

/** Horizontal bars of customers per group, with the share of customers (and of a value) as text. */
export function groupBars(rows: BarRow[], locale: Locale, valueTitle?: string): VegaLiteSpec {
  const total = rows.reduce((s, r) => s + r.customers, 0) || 1;
  const values = rows.map((r, i) => ({
    ...r, order: i,
    text: `${r.customers.toLocaleString('en')} (${pct(r.customers / total)})${r.share !== undefined && valueTitle ? ` · ${valueTitle} ${pct(r.share)}` : ''}`,
  }));
  const y = { field: 'label', type: 'nominal', sort: { field: 'order' }, title: null };
  return base({
    data: { values },
    height: Math.max(80, 30 * rows.length),
    layer: [
      { mark: { type: 'bar', color: '#1d4ed8', cornerRadiusEnd: 2 }, encoding: { y, x: { field: 'customers', type: 'quantitative', title: tr(locale, 'customers', '客户数'), scale: { nice: true } } } },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10, color: '#111827' }, encoding: { y, x: { field: 'customers', type: 'quantitative' }, text: { field: 'text' } } },
    ],
  });
}
