/**
 * Text encodings, judged from bytes (pure: decoding itself happens in io/). Byte-order marks
 * decide at once; otherwise the first non-ASCII bytes do: valid UTF-8 → UTF-8; else byte pairs
 * that look like Chinese GBK text (mostly in the GB2312 block) → GB18030; else Western cp1252.
 * `GbTally` keeps judging GB18030 text after the decision, so Latin-1 read as GBK (`Müller` →
 * `M黮ler`) or UTF-8 mixed into a GBK file is noticed anywhere in the file, not only at its start.
 */
export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' | 'latin1' | 'cp1252';

export interface EncodingGuess {
  encoding: Encoding;
  /** Bytes of byte-order mark to skip. */
  bom: number;
}

/** Profile spellings → canonical names (`gbk` and `gb2312` read as their superset GB18030). */
export function canonicalEncoding(name: string): Encoding | null {
  const n = name.trim().toLowerCase().replace(/_/g, '-');
  if (n === 'utf8' || n === 'utf-8') return 'utf-8';
  if (n === 'utf-16le' || n === 'utf-16be') return n;
  if (n === 'gb18030' || n === 'gbk' || n === 'gb2312') return 'gb18030';
  if (n === 'latin1' || n === 'latin-1' || n === 'iso-8859-1') return 'latin1';
  if (n === 'cp1252' || n === 'windows-1252') return 'cp1252';
  return null;
}

export function bomOf(bytes: Uint8Array): EncodingGuess | null {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  return null;
}

/**
 * Encoding of a sample: BOM, else UTF-8 when (nearly) all multi-byte sequences are valid UTF-8 —
 * a file that is mostly UTF-8 with a few lines in another encoding stays UTF-8 and those lines are
 * rejected — else GBK-like pairs → GB18030, else cp1252.
 */
export function detectEncoding(bytes: Uint8Array): EncodingGuess {
  const bom = bomOf(bytes);
  if (bom) return bom;
  const u = utf8Tally(bytes);
  if (u.bad === 0 || u.ok >= u.bad) return { encoding: 'utf-8', bom: 0 };
  const t = new GbTally();
  t.add(bytes);
  return { encoding: t.looksChinese() ? 'gb18030' : 'cp1252', bom: 0 };
}

/** Valid multi-byte UTF-8 sequences and invalid bytes in a sample (a sequence cut off by its end counts as neither). */
export function utf8Tally(b: Uint8Array): { ok: number; bad: number } {
  let ok = 0, bad = 0, i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) { i++; continue; }
    const need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    let k = 1;
    while (k <= need && i + k < n && (b[i + k] & 0xc0) === 0x80) k++;
    if (need && k > need) { ok++; i += k; } else if (need && i + k >= n) break; else { bad++; i++; }
  }
  return { ok, bad };
}

/** Strict UTF-8 check; a sequence cut off by the end of the sample still counts as valid. */
export function isUtf8(b: Uint8Array): boolean {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) { i++; continue; }
    let need: number;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) need = 2;
    else if (c >= 0xf0 && c <= 0xf4) need = 3;
    else return false;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return true;
      if ((b[i + k] & 0xc0) !== 0x80) return false;
    }
    i += need + 1;
  }
  return true;
}

/**
 * Streaming tally of GB18030 characters: `common` double-byte characters of the GB2312 block
 * (both bytes ≥ 0xA1: the hanzi and punctuation Chinese text is made of), `rare` ones outside it
 * (GBK extensions, four-byte sequences: what Latin-1 or UTF-8 bytes become when read as GBK) and
 * `invalid` bytes. Chunks may cut a character: a dangling lead byte is carried over.
 */
export class GbTally {
  common = 0;
  rare = 0;
  invalid = 0;
  private carry = -1;

  add(b: Uint8Array): void {
    let i = 0;
    const n = b.length;
    if (this.carry >= 0 && n) { this.pair(this.carry, b[0], b[1]); i = this.skip(b[0]); this.carry = -1; }
    while (i < n) {
      const c = b[i];
      if (c < 0x80) { i++; continue; }
      if (c === 0x80 || c === 0xff) { this.invalid++; i++; continue; }
      if (i + 1 >= n) { this.carry = c; return; }
      this.pair(c, b[i + 1], b[i + 2]);
      i += 1 + this.skip(b[i + 1]);
    }
  }

  /** Bytes taken after a lead byte: a trail byte, three for a four-byte sequence, none when invalid. */
  private skip(t: number): number {
    if (t >= 0x30 && t <= 0x39) return 3;
    return (t >= 0x40 && t <= 0xfe && t !== 0x7f) ? 1 : 0;
  }

  private pair(lead: number, t: number, _next: number | undefined): void {
    if (t >= 0x30 && t <= 0x39) this.rare++;
    else if (t >= 0x40 && t <= 0xfe && t !== 0x7f) {
      if (lead >= 0xa1 && t >= 0xa1) this.common++; else this.rare++;
    } else this.invalid++;
  }

  /** Chinese text: invalid bytes rare and most characters common ones. */
  looksChinese(): boolean {
    const total = this.common + this.rare + this.invalid;
    return total > 0 && this.invalid <= total * 0.01 && this.common >= 2 * this.rare;
  }

  /** After a GB18030 decision: enough rare characters to suspect another encoding somewhere. */
  suspicious(): boolean {
    return this.rare + this.invalid >= 3 && this.rare + this.invalid > this.common * 0.2;
  }
}
