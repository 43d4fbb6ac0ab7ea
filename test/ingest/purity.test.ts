import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import vm from 'node:vm';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '../..');
const coreDir = join(root, 'core');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

// Drop comments and string literals so that words in documentation don't count as uses.
const code = (src: string) => src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '').replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");

describe('core/ is pure', () => {
  const files = tsFiles(coreDir);
  it.each(files.map((f) => [f.slice(root.length + 1), f]))('%s imports only core modules and uses no host globals', (_name, file) => {
    const src = readFileSync(file, 'utf8');
    const specifiers = [...src.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]);
    // Besides core modules, only valibot and arquero (pure JavaScript, no host APIs).
    for (const s of specifiers) expect(s, `${file} imports ${s}`).toMatch(/^(\.\.?\/|valibot$|arquero$)/);
    expect(code(src)).not.toMatch(/\b(Buffer|process|TextDecoder|TextEncoder|console|setTimeout|setInterval|window|document|fetch|require|globalThis)\b/);
  });

  it('the ingest bundle runs in a bare V8 context with no Node or browser globals', async () => {
    const out = await build({
      entryPoints: [join(coreDir, 'ingest/index.ts')], bundle: true, format: 'iife', globalName: 'Ingest', platform: 'neutral',
      target: 'es2020', write: false, logLevel: 'silent',
    });
    const ctx = vm.createContext({});
    vm.runInContext(out.outputFiles[0].text, ctx);
    expect(vm.runInContext('typeof Buffer + typeof process + typeof TextDecoder + typeof setTimeout', ctx)).toBe('undefinedundefinedundefinedundefined');
    const result = vm.runInContext(`
      const profile = { asOf: '2024-03-31', timeUnit: 'day', timeZone: 'Asia/Shanghai', locale: 'en', columns: {}, header: 'auto',
        dateOrder: 'auto', encoding: 'auto', delimiter: 'auto', exclusions: { codes: [], descriptions: [] }, dedupe: false, retentionPeriod: 'month' };
      const r = Ingest.ingestTable('transactions', [['客户ID', '下单时间', '实付金额'], ['a', '2024-01-01T20:00:00Z', '¥1,000.50'], ['a', '2024-01-05', '(3)'], ['', '2024-01-05', '1']], profile, 'range');
      JSON.stringify({ s: r.summaries, c: r.counts, enc: Ingest.detectEncoding(new Uint8Array([0xbf, 0xcd])).encoding });
    `, ctx);
    const r = JSON.parse(result);
    expect(r.c).toEqual({ read: 3, accepted: 2, rejected: 1 });
    expect(r.s[0]).toMatchObject({ id: 'a', firstDay: Date.UTC(2024, 0, 2) / 86400000, totalSpend: 1000.5, returns: 3 });
    expect(r.enc).toBe('gb18030');
  });
});
