/**
 * Property tests of the reader (fast-check): for generated CSV text — quoted fields with delimiters,
 * quotes and line breaks, LF / CRLF / CR line ends, UTF-8 / UTF-16 / GB18030, arbitrary chunking —
 * every physical line is accounted, the accepted rows are exactly the well-formed ones, no exception
 * escapes, and the order of rows changes no customer summary.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { resolveProfile } from '../../core/config.ts';
import { InputError } from '../../core/ingest/errors.ts';
import { readTable } from '../../io/read.ts';
import { LineSplitter } from '../../io/lines.ts';
import { splitLine } from '../../io/delimited.ts';
import { decodeStream } from '../../io/decode.ts';
import { streamOf } from './stream-of.ts';

const profile = (extra: Record<string, unknown> = {}) => resolveProfile({ asOf: '2024-12-31', timeUnit: 'day', ...extra });

// A note: text with the delimiter, quotes, spaces, CJK and line breaks; quoted when it needs it.
// A quoted field's text starts with a letter, so a stray quote on an earlier line can never close into it.
const noteChar = fc.constantFrom('a', 'b', ' ', ',', '"', '客', '户', '张', 'é', '\n', '\r\n', '\r');
const note = fc.array(noteChar, { maxLength: 8 }).map((cs) => cs.join(''));
const quote = (s: string) => `"n${s.replace(/"/g, '""')}"`;
const needsQuote = (s: string) => /[",\r\n]/.test(s);
const breaks = (s: string) => (s.match(/\r\n|\r|\n/g) ?? []).length;

type Gen = { kind: 'good'; note: string; quoteId: boolean } | { kind: 'bad'; shape: number } | { kind: 'blank' };
const line = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('good' as const), note, quoteId: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('bad' as const), shape: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'blank' as const }) },
);

/** The CSV text, and what a correct reader must report for it. */
function build(gens: Gen[], eol: string) {
  const out = ['customer,date,amount,note'];
  const good: string[] = [], badLines: number[] = [];
  let lineNo = 2, joined = 0, blank = 0;
  gens.forEach((g, i) => {
    const id = `c${i}`;
    if (g.kind === 'blank') { out.push(''); blank++; lineNo++; return; }
    if (g.kind === 'bad') {
      out.push([`${id},2024-01-02,"1.50`, `${id},2024-01-02`, `${id},2024-01-02,1.50,x,extra`, `${id},2024-01-02,1.50,"Best" seller`][g.shape]);
      badLines.push(lineNo++);
      return;
    }
    const n = needsQuote(g.note) ? quote(g.note) : g.note;
    out.push(`${g.quoteId ? `"${id}"` : id},2024-01-0${1 + (i % 9)},${(1 + i / 4).toFixed(2)},${n}`);
    good.push(id);
    const b = needsQuote(g.note) ? breaks(g.note) : 0;
    joined += b;
    lineNo += 1 + b;
  });
  return { text: out.join(eol) + eol, good, badLines, joined, blank, physical: lineNo - 1 };
}

const encode = (text: string, enc: string): Uint8Array =>
  enc === 'utf-16le' ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) : enc === 'gb18030' ? iconv.encode(text, 'gb18030') : Buffer.from(text, 'utf8');

describe('reader properties', () => {
  it('every physical line is accounted and exactly the well-formed rows are accepted', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(line, { minLength: 1, maxLength: 25 }), fc.constantFrom('\n', '\r\n', '\r'), fc.constantFrom('utf-8', 'utf-16le', 'gb18030'),
      fc.array(fc.nat(), { maxLength: 6 }),
      async (gens, eol, enc, cuts) => {
        const want = build(gens, eol);
        if (!want.good.length && !want.badLines.length) return;
        const r = await readTable(streamOf(encode(want.text, enc), cuts), 'transactions', profile({ encoding: enc === 'gb18030' ? 'gbk' : 'auto', delimiter: ',' }));
        expect(r.counts.read).toBe(r.counts.accepted + r.counts.rejected);
        expect(r.counts.read).toBe(want.good.length + want.badLines.length);
        expect(r.summaries.map((s) => s.id).sort()).toEqual([...want.good].sort());
        expect(r.rejects.map((x) => x.line)).toEqual(want.badLines);
        expect(r.detections[0].lines).toEqual({ physical: want.physical, header: 1, blank: want.blank, joined: want.joined });
      },
    ), { numRuns: 300 });
  });

  it('no exception but InputError escapes on arbitrary text, and counts always balance', async () => {
    await fc.assert(fc.asyncProperty(
      fc.string({ unit: fc.constantFrom('a', '1', ',', ';', '"', '\n', '\r', ' ', '\t', '{', '}', ':', '客', '\uFFFD'), maxLength: 200 }),
      fc.array(fc.nat(), { maxLength: 4 }),
      async (text, cuts) => {
        const input = streamOf(Buffer.from('customer,date,amount\n' + text, 'utf8'), cuts);
        try {
          const r = await readTable(input, 'transactions', profile({ maxRecordBytes: 64 }));
          expect(r.counts.read).toBe(r.counts.accepted + r.counts.rejected);
          const l = r.detections[0].lines;
          if (l) expect(l.physical).toBe(l.header + l.blank + l.joined + r.counts.read);
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          expect((e as Error).message).not.toContain('\n');
        }
      },
    ), { numRuns: 300 });
  });

  it('re-ordering rows changes no customer summary', async () => {
    const row = fc.record({ c: fc.integer({ min: 0, max: 4 }), d: fc.integer({ min: 1, max: 28 }), a: fc.integer({ min: -500, max: 5000 }) });
    await fc.assert(fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 40 }), fc.array(fc.nat()), async (rows, keys) => {
      const text = (rs: typeof rows) => 'customer,date,amount\n' + rs.map((x) => `k${x.c},2024-02-${String(x.d).padStart(2, '0')},${(x.a / 100).toFixed(2)}`).join('\n') + '\n';
      const shuffled = rows.map((r, i) => ({ r, k: keys[i] ?? i })).sort((a, b) => a.k - b.k).map((x) => x.r);
      const a = await readTable(streamOf(Buffer.from(text(rows)), []), 'transactions', profile());
      const b = await readTable(streamOf(Buffer.from(text(shuffled)), []), 'transactions', profile());
      expect(b.summaries).toEqual(a.summaries);
      expect(b.counts).toEqual(a.counts);
    }), { numRuns: 100 });
  });
});

describe('chunk boundaries', () => {
  const cutText = (s: string, cuts: number[]) => {
    const at = [...new Set(cuts.map((c) => c % (s.length + 1)))].sort((a, b) => a - b);
    const parts: string[] = [];
    let prev = 0;
    for (const c of [...at, s.length]) { parts.push(s.slice(prev, c)); prev = c; }
    return parts;
  };

  it('lines are the same however the text is cut (CRLF split across chunks, long lines capped)', () => {
    fc.assert(fc.property(
      fc.string({ unit: fc.constantFrom('a', 'b', '"', '\n', '\r', '\uFFFD'), maxLength: 60 }), fc.array(fc.nat(), { maxLength: 8 }), fc.integer({ min: 1, max: 12 }),
      (text, cuts, max) => {
        const run = (parts: string[]) => {
          const got: [number, string, number][] = [];
          const s = new LineSplitter(max, (t, n, f) => got.push([n, t, f]), (n) => got.push([n, '<long>', 0]));
          for (const p of parts) s.push(p);
          s.end();
          return { got, lines: s.lines };
        };
        const whole = run([text]);
        expect(run(cutText(text, cuts))).toEqual(whole);
        const expected = text === '' ? [] : text.replace(/(\r\n|\r|\n)$/, '').split(/\r\n|\r|\n/);
        expect(whole.lines).toBe(expected.length);
        expect(whole.got.map(([, t]) => t)).toEqual(expected.map((l) => (l.length > max ? '<long>' : l)));
      },
    ), { numRuns: 500 });
  });

  it('decoding is the same however the bytes are cut (multi-byte characters split across chunks)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.string({ unit: fc.constantFrom('a', ',', '\n', '客', '户', 'é', '€'), maxLength: 40 }), fc.constantFrom('utf-8', 'gb18030', 'utf-16le', 'cp1252'),
      fc.array(fc.nat(), { maxLength: 8 }),
      async (text, enc, cuts) => {
        const bytes = enc === 'cp1252' ? iconv.encode(text.replace(/[客户]/g, 'x'), 'win1252') : encode(text, enc);
        const decodeAll = async (parts: Uint8Array[]) => {
          let s = '';
          for await (const t of decodeStream((async function* () { yield* parts; })(), enc, { encoding: 'utf-8', warnings: [] })) s += t;
          return s;
        };
        const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const parts: Uint8Array[] = [];
        let prev = 0;
        for (const c of [...at, bytes.length]) { parts.push(bytes.subarray(prev, c)); prev = c; }
        expect(await decodeAll(parts)).toBe(enc === 'cp1252' ? text.replace(/[客户]/g, 'x') : text);
      },
    ), { numRuns: 300 });
  });
});

describe('quoting details', () => {
  it('splits RFC 4180 fields, keeps quotes inside unquoted fields, and rejects text after a closing quote', () => {
    expect(splitLine('a,"b,c","d""e",f', ',')).toEqual(['a', 'b,c', 'd"e', 'f']);
    expect(splitLine('5" tube,"x" ,y', ',')).toEqual(['5" tube', 'x', 'y']);
    expect(splitLine('a,', ',')).toEqual(['a', '']);
    expect(splitLine('"Best" seller,1', ',')).toBeNull();
    expect(splitLine('a,"open', ',')).toBeNull();
  });
});
