/**
 * report.html from real CLI runs, opened in headless Chromium: no console errors, no network
 * request of any kind, every chart an SVG with marks, in English and Chinese. On the bundled sample
 * and on CDNOW (skipped with a message when ../shared/data/cdnow is absent).
 * UPDATE_DOC_IMAGES=1 also saves docs/img/report.png (the README's screenshot) from this browser.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { runScore } from '../../cli/score.ts';

const CHROMIUM = '/usr/bin/chromium';
const repoRoot = resolve(import.meta.dirname, '../..');
const sample = join(repoRoot, 'examples/sample');
const cdnow = resolve(repoRoot, '../shared/data/cdnow/CDNOW_master.txt');
const updateDocs = process.env.UPDATE_DOC_IMAGES === '1';
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Charts every scored run has; holdout and models appear with a calibration end, satisfaction with surveys. */
const ALWAYS = ['pyramid', 'concentration', 'rfm', 'segments', 'cohorts', 'periods', 'palive', 'models', 'clv', 'lifecycle', 'value-classes'];

const tmp = mkdtempSync(join(tmpdir(), 'report-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function sampleReport(locale: 'en' | 'zh-CN'): Promise<string> {
  const out = join(tmp, `sample-${locale}`);
  await runScore({
    files: [join(sample, 'orders.csv')], customers: [join(sample, 'customers.csv')], surveys: [join(sample, 'surveys.csv')],
    overrides: { asOf: '2025-06-30', calibrationEnd: '2025-01-31', locale }, out,
  });
  return join(out, 'report.html');
}

describe('report.html without a browser', () => {
  it('is self-contained: no script, no external URL, no link to fetch', async () => {
    const html = readFileSync(await sampleReport('en'), 'utf8');
    // (clip paths refer to elements of the same page: url(#clip1))
    expect(html.match(/<script|<link|<img|<iframe|@import|url\((?!#)/i)?.[0] ?? null).toBeNull();
    // The only URLs are the XML namespaces of the inline SVGs.
    const urls = [...html.matchAll(/(?:https?:)?\/\/[^\s"'<>)]+/g)].map((m) => m[0]);
    expect(urls.filter((u) => !/^http:\/\/www\.w3\.org\//.test(u))).toEqual([]);
  });

  it('--no-report writes no report.html', async () => {
    const out = join(tmp, 'no-report');
    await runScore({ files: [join(sample, 'orders.csv')], overrides: { asOf: '2025-06-30' }, out, report: false });
    expect(existsSync(join(out, 'customers.csv'))).toBe(true);
    expect(existsSync(join(out, 'report.html'))).toBe(false);
  });

  it('a --summary-only run gets the run facts and no charts', async () => {
    const out = join(tmp, 'summary-only');
    await runScore({ files: [join(sample, 'orders.csv')], overrides: { asOf: '2025-06-30' }, out, summaryOnly: true });
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toContain('<figure');
    expect(html).toContain('id="run-facts"');
    expect(html).toMatch(/<td>transactions<\/td><td class="n">3523<\/td>/);
  });

  it('escapes text from the data (a channel name with markup stays text)', async () => {
    const { renderReport } = await import('../../io/report-html.ts');
    const { buildProfile } = await import('../../cli/score.ts');
    const html = await renderReport({ summary: { warnings: ['<script>alert(1)</script>'], rejectReasons: { '<b>x</b>': 1 } }, profile: buildProfile(undefined, { asOf: '2025-06-30' }) });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>x</b>');
    expect(html).toContain('&lt;script&gt;');
  });
});

describe.skipIf(!existsSync(CHROMIUM))(`report.html in headless Chromium (${CHROMIUM}; skipped when absent: apt-get install chromium)`, () => {
  let browser: Browser;
  beforeAll(async () => { browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS }); });
  afterAll(async () => { await browser?.close(); });

  /** Opens the page with every request but the page itself refused; returns what the page did. */
  async function open(file: string, width = 900, screenshot?: string) {
    const page = await browser.newPage({ viewport: { width, height: 1200 } });
    const requests: string[] = [];
    const errors: string[] = [];
    const url = pathToFileURL(file).href;
    await page.route('**/*', (route) => {
      if (route.request().url() === url) return route.continue();
      requests.push(route.request().url());
      return route.abort();
    });
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    const charts = await page.$$eval('figure.chart', (figs) => figs.map((f) => ({
      id: f.id,
      svg: f.querySelectorAll(':scope > svg').length,
      marks: f.querySelectorAll('svg g.role-mark > *').length,
      reading: f.querySelector('.reading')?.textContent ?? '',
    })));
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
    if (screenshot) await page.screenshot({ path: screenshot, clip: { x: 0, y: 0, width, height: 1500 } });
    await page.close();
    return { requests, errors, charts, overflow };
  }

  function expectCharts(charts: { id: string; svg: number; marks: number; reading: string }[], ids: string[]) {
    for (const id of ids) {
      const c = charts.find((x) => x.id === id);
      expect(c, `chart ${id}`).toBeDefined();
      expect(c!.svg, `${id} is one inline SVG`).toBe(1);
      expect(c!.marks, `${id} has marks`).toBeGreaterThan(0);
      expect(c!.reading.length, `${id} has a reading`).toBeGreaterThan(10);
    }
    for (const c of charts) expect(c.marks, `${c.id} has marks`).toBeGreaterThan(0);
  }

  it.each(['en', 'zh-CN'] as const)('sample (%s): every chart is an SVG with marks, no console error, no request', async (locale) => {
    const file = await sampleReport(locale);
    let shot: string | undefined;
    if (updateDocs && locale === 'en') { mkdirSync(join(repoRoot, 'docs/img'), { recursive: true }); shot = join(repoRoot, 'docs/img/report.png'); }
    const r = await open(file, 900, shot);
    expect(r.requests).toEqual([]);
    expect(r.errors).toEqual([]);
    expectCharts(r.charts, [...ALWAYS, 'holdout', 'satisfaction']);
    if (locale === 'zh-CN') expect(r.charts.find((c) => c.id === 'pyramid')!.reading).toMatch(/顶层/);
    else expect(r.charts.find((c) => c.id === 'concentration')!.reading).toMatch(/^The top 20% of customers bring \d+% of revenue\.$/);
    // Readable on a phone: nothing wider than the screen but the scrollable tables.
    const phone = await open(file, 360);
    expect(phone.overflow).toBeLessThanOrEqual(0);
  }, 120_000);

  it.skipIf(!existsSync(cdnow))(`CDNOW (${cdnow}; skipped when absent) in English and Chinese`, async () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      const out = join(tmp, `cdnow-${locale}`);
      await runScore({ files: [cdnow], overrides: { asOf: '1998-06-30', calibrationEnd: '1997-09-30', locale }, out });
      const r = await open(join(out, 'report.html'));
      expect(r.requests).toEqual([]);
      expect(r.errors).toEqual([]);
      expectCharts(r.charts, [...ALWAYS, 'holdout']);
      // CDNOW has no survey: no satisfaction chart rather than an empty one.
      expect(r.charts.some((c) => c.id === 'satisfaction')).toBe(false);
    }
  }, 240_000);
});
