import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Papa from 'papaparse';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, linkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atomicWriteStream, csvCell, refuseInputsAsOutputs, rejectsCsv, toCsv, writeCsv, type OutCell } from '../../io/csv.ts';
import { InputError } from '../../core/ingest/errors.ts';

let dir = '';
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'pyramid-csv-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** How a spreadsheet reads one CSV cell: a number, a formula, or text (Excel's rules, simplified). */
function spreadsheetValue(cell: string): { number: number } | { formula: string } | { text: string } {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell)) return { number: Number(cell) };
  if (/^[=+\-@\t\r]/.test(cell)) return { formula: cell };
  return { text: cell };
}

/** Parse CSV text back into cells (RFC 4180 quoting), as a spreadsheet does; the BOM is not a cell. */
function readBack(csv: string): string[][] {
  const r = Papa.parse<string[]>(csv.replace(/^\uFEFF/, ''), { delimiter: ',', newline: '\n' });
  expect(r.errors).toEqual([]);
  return r.data.slice(0, -1); // the text ends with a line break
}

const anyCell: fc.Arbitrary<OutCell> = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '"', ',', "'", 'a', '1', '.', ' ', '中') }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);

describe('property: cells we write are never formulas', () => {
  it('any row survives the round trip: numbers stay numbers, texts come back as written or with one leading apostrophe', () => {
    fc.assert(fc.property(fc.array(fc.array(anyCell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }), (rows) => {
      const width = Math.max(...rows.map((r) => r.length));
      const padded = rows.map((r) => [...r, ...new Array(width - r.length).fill('x')]);
      const header = padded[0].map((_, i) => `c${i}`);
      const back = readBack(toCsv(header, padded));
      expect(back).toHaveLength(padded.length + 1);
      padded.forEach((row, i) => row.forEach((cell, j) => {
        const got = back[i + 1][j];
        const seen = spreadsheetValue(got);
        expect(seen).not.toHaveProperty('formula');
        if (typeof cell === 'number' && Number.isFinite(cell)) {
          expect(seen).toEqual({ number: cell === 0 ? 0 : cell }); // -0 is written 0
        } else if (cell === null || cell === undefined) {
          expect(got).toBe('');
        } else {
          const s = String(cell);
          expect([s, `'${s}`]).toContain(got);
          if (got !== s) expect(s).toMatch(/^[=+\-@\t\r]/);
        }
      }));
    }), { numRuns: 400 });
  });

  it('escapes the OWASP examples and keeps negative numbers numeric', () => {
    expect(csvCell('=HYPERLINK("http://x","click")')).toBe(`"'=HYPERLINK(""http://x"",""click"")"`);
    expect(csvCell('+1+cmd|/C calc')).toBe("'+1+cmd|/C calc");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell(-Infinity)).toBe("'-Infinity");
    expect(csvCell(NaN)).toBe('NaN');
    expect(csvCell('a,b')).toBe('"a,b"');
  });

  it('escapes reject values and customer ids in rejects.csv', () => {
    const csv = rejectsCsv([{ source: '=evil.csv', line: 2, column: 'amount', reason: 'bad-amount', message: 'Not an amount', value: '=1+1' }]);
    expect(readBack(csv)[1]).toEqual(["'=evil.csv", '2', 'amount', 'bad-amount', 'Not an amount', "'=1+1"]);
  });
});

describe('byte order mark', () => {
  it('starts every CSV with a UTF-8 BOM by default, and not when asked', async () => {
    expect(toCsv(['a'], [['客户']]).charCodeAt(0)).toBe(0xfeff);
    expect(toCsv(['a'], [['客户']], { bom: false })).toBe('a\n客户\n');
    expect(rejectsCsv([]).startsWith('\uFEFFsource,')).toBe(true);
    const f = join(dir, 'bom.csv');
    await writeCsv(f, ['a'], [['张三']]);
    expect([...readFileSync(f).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    await writeCsv(f, ['a'], [['张三']], { bom: false });
    expect(readFileSync(f, 'utf8')).toBe('a\n张三\n');
  });
});

describe('atomic, link-safe writes', () => {
  it('does not write through a symlink at the destination: the link is replaced', async () => {
    const target = join(dir, 'precious.txt');
    writeFileSync(target, 'keep me');
    const link = join(dir, 'out.csv');
    symlinkSync(target, link);
    await writeCsv(link, ['a'], [[1]]);
    expect(readFileSync(target, 'utf8')).toBe('keep me');
    expect(lstatSync(link).isSymbolicLink()).toBe(false);
    expect(readFileSync(link, 'utf8')).toBe('\uFEFFa\n1\n');
  });

  it('leaves the old file whole until the new one is complete, and no temporary file behind', async () => {
    const sub = join(dir, 'atomic');
    mkdirSync(sub);
    const f = join(sub, 'x.csv');
    writeFileSync(f, 'old');
    const w = await atomicWriteStream(f);
    await w.write('new ');
    expect(readFileSync(f, 'utf8')).toBe('old');
    await w.write('text');
    await w.commit();
    expect(readFileSync(f, 'utf8')).toBe('new text');
    const failed = await atomicWriteStream(f);
    await failed.write('half');
    await failed.abort();
    expect(readFileSync(f, 'utf8')).toBe('new text');
    expect(readdirSync(sub)).toEqual(['x.csv']);
  });

  it('cleans up when the rows throw half way', async () => {
    const sub = join(dir, 'throws');
    const f = join(sub, 'x.csv');
    const rows = function* () { yield [1]; throw new Error('boom'); };
    await expect(writeCsv(f, ['a'], rows())).rejects.toThrow('boom');
    expect(readdirSync(sub)).toEqual([]);
  });
});

describe('outputs are never inputs', () => {
  it('refuses an output that is an input by path, by symlink or by hard link', () => {
    const input = join(dir, 'customers.csv');
    writeFileSync(input, 'id\n1\n');
    expect(() => refuseInputsAsOutputs([join(dir, '.', 'customers.csv')], [input])).toThrow(InputError);
    expect(() => refuseInputsAsOutputs([join(dir, 'customers.csv')], [join(dir, 'sub', '..', 'customers.csv')])).toThrow(/it is the input/);
    const hard = join(dir, 'hard.csv');
    linkSync(input, hard);
    expect(() => refuseInputsAsOutputs([hard], [input])).toThrow(/refusing to write/);
    const soft = join(dir, 'soft.csv');
    symlinkSync(input, soft);
    expect(() => refuseInputsAsOutputs([input], [soft])).toThrow(/refusing to write/);
    expect(() => refuseInputsAsOutputs([join(dir, 'other.csv')], [input])).not.toThrow();
  });
});
