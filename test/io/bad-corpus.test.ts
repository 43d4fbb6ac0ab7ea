/**
 * The bad-input corpus (test/fixtures/bad/): small malformed files, each with the accounting it must
 * give (expected.json): counts, the rejected lines and reasons, the customers kept, the encoding and
 * its warning. Every physical line is accounted: lines = header + blank + joined + read.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveProfile } from '../../core/config.ts';
import { readTable } from '../../io/read.ts';

const dir = resolve(import.meta.dirname, '../fixtures/bad');
interface Case {
  file?: string; profile?: Record<string, unknown>;
  counts: { read: number; accepted: number; rejected: number };
  rejects: [number, string][]; ids?: string[]; spend?: Record<string, number>;
  lines?: Record<string, number>; encoding?: string; warning?: string;
}
const cases = Object.entries(JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, Case>);

describe('bad-input corpus', () => {
  it.each(cases)('%s', async (name, c) => {
    const profile = resolveProfile({ asOf: '2024-12-31', ...c.profile });
    const r = await readTable(join(dir, c.file ?? name), 'transactions', profile);
    expect(r.counts).toEqual(c.counts);
    expect(r.rejects.map((x) => [x.line, x.reason])).toEqual(c.rejects);
    if (c.ids) expect(r.summaries.map((s) => s.id)).toEqual(c.ids);
    for (const [id, v] of Object.entries(c.spend ?? {})) expect(r.summaries.find((s) => s.id === id)?.totalSpend).toBe(v);
    const d = r.detections[0];
    if (c.lines) expect(d.lines).toEqual(c.lines);
    const l = d.lines!;
    expect(l.physical).toBe(l.header + l.blank + l.joined + r.counts.read);
    if (c.encoding) expect(d.encoding).toBe(c.encoding);
    if (c.warning) expect((d.warnings ?? []).join('\n')).toContain(c.warning);
    else expect(d.warnings ?? []).toEqual([]);
    for (const x of r.rejects) expect((x.value ?? '').length).toBeLessThanOrEqual(81);
  });
});
