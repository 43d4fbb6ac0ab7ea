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

const asBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length);

/** Windows-1252 bytes 0x80–0x9F (the rest is Latin-1); unassigned bytes stay C1 controls, as in WHATWG. */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/** Node's TextDecoder('windows-1252') decodes as Latin-1 in some versions, so cp1252 is mapped here. */
function cp1252(b: Uint8Array): string {
  return asBuffer(b).toString('latin1').replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
}

function decoderFor(encoding: Encoding, ignoreBOM = false): Decoder {
  if (encoding === 'latin1') return { decode: (b) => asBuffer(b).toString('latin1') };
  if (encoding === 'cp1252') return { decode: cp1252 };
  const d = new TextDecoder(encoding, { ignoreBOM });
  return { decode: (b, final) => d.decode(b, { stream: !final }) };
}

/**
 * Decoded text of `bytes`; `choice` is the profile's encoding (`auto` or a name). With `continued`,
 * `bytes` is the rest of a file whose beginning was pure ASCII and read elsewhere (io/bytes.ts):
 * no byte-order mark is looked for, and a fixed encoding's decoder keeps a U+FEFF it meets.
 */
export async function* decodeStream(bytes: AsyncIterable<Uint8Array>, choice: string, report: DecodeReport, continued = false): AsyncIterable<string> {
  let decoder: Decoder | null = null;
  let tally: GbTally | null = null;
  let first = true;
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  const decide = (encoding: Encoding) => {
    report.encoding = encoding;
    decoder = decoderFor(encoding, continued && choice !== 'auto');
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
    if (first && choice === 'auto' && !continued) {
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
