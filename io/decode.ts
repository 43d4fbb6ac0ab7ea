/**
 * Bytes → text, chunk by chunk. With `auto`, a byte-order mark decides at once; otherwise ASCII
 * passes through undecided (every supported encoding but UTF-16 agrees on it) and the first 64 KB
 * from the first non-ASCII byte decide (core/ingest/encoding.ts), wherever in the file that byte
 * is. After the decision the text keeps being checked: invalid bytes become U+FFFD, which the
 * reader rejects line by line (`bad-encoding`), and GB18030 text is tallied for Latin-1/UTF-8
 * look-alikes. What was decided and every doubt end up in `report` (encoding, warnings).
 */
import { bomOf, canonicalEncoding, detectEncoding, GbTally, type Encoding } from '../core/ingest/encoding.ts';

const SAMPLE = 64 * 1024;

export interface DecodeReport {
  encoding: Encoding;
  warnings: string[];
}

interface Decoder { decode(b: Uint8Array, final: boolean): string }

function decoderFor(encoding: Encoding): Decoder {
  if (encoding === 'latin1') return { decode: (b) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1') };
  const d = new TextDecoder(encoding === 'cp1252' ? 'windows-1252' : encoding);
  return { decode: (b, final) => d.decode(b, { stream: !final }) };
}

const asBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length);

/** Decoded text of `bytes`; `choice` is the profile's encoding (`auto` or a name). */
export async function* decodeStream(bytes: AsyncIterable<Uint8Array>, choice: string, report: DecodeReport): AsyncIterable<string> {
  let decoder: Decoder | null = null;
  let tally: GbTally | null = null;
  let first = true;
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  const decide = (encoding: Encoding) => {
    report.encoding = encoding;
    decoder = decoderFor(encoding);
    if (encoding === 'gb18030') tally = new GbTally();
    if (choice === 'auto' && encoding === 'cp1252') {
      report.warnings.push('no UTF-8 or Chinese GBK text found: read as cp1252 (Western Windows); if names look wrong pass --encoding latin1, gb18030 or utf-8');
    }
  };
  const run = (b: Uint8Array, final: boolean): string => {
    tally?.add(b);
    return decoder!.decode(b, final);
  };
  if (choice !== 'auto') {
    const e = canonicalEncoding(choice);
    if (!e) throw new Error(`unsupported encoding ${choice}`);
    decide(e);
  } else report.encoding = 'utf-8'; // pure ASCII is UTF-8; changed if other bytes appear

  for await (const chunk of bytes) {
    if (!chunk.length) continue;
    if (first && choice === 'auto') {
      first = false;
      const bom = bomOf(chunk);
      if (bom) decide(bom.encoding);
    }
    if (decoder) { const s = run(chunk, false); if (s) yield s; continue; }
    if (!heldBytes) {
      const s = asBuffer(chunk).toString('latin1');
      const k = s.search(/[^\x00-\x7f]/);
      if (k < 0) { yield s; continue; }
      if (k > 0) yield s.slice(0, k);
      held.push(chunk.subarray(k));
    } else held.push(chunk);
    heldBytes += held[held.length - 1].length;
    if (heldBytes >= SAMPLE) {
      const sample = Buffer.concat(held);
      held = []; heldBytes = 0;
      decide(detectEncoding(sample).encoding);
      const s = run(sample, false);
      if (s) yield s;
    }
  }
  if (!decoder && heldBytes) {
    const sample = Buffer.concat(held);
    decide(detectEncoding(sample).encoding);
    const s = run(sample, true);
    if (s) yield s;
  } else if (decoder) {
    const s = (decoder as Decoder).decode(new Uint8Array(0), true);
    if (s) yield s;
  }
  const t = tally as GbTally | null;
  if (t?.suspicious()) {
    report.warnings.push(`read as GB18030, but ${t.rare + t.invalid} of ${t.common + t.rare + t.invalid} non-ASCII characters are rare CJK or invalid, as when Latin-1/cp1252 or UTF-8 text is read as GBK (Müller → M黮ler): check the names; pass --encoding latin1, cp1252 or utf-8 if that part of the file is Western or UTF-8`);
  }
}
