/**
 * Text encoding from the first bytes of a file: byte-order marks, then UTF-8 validity, else
 * GB18030 (a superset of GBK and GB2312, what Chinese ERPs and Excel write). Decoding itself
 * happens outside core.
 */
export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

export interface EncodingGuess {
  encoding: Encoding;
  /** Bytes of byte-order mark to skip. */
  bom: number;
}

export function detectEncoding(bytes: Uint8Array): EncodingGuess {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  return { encoding: isUtf8(bytes) ? 'utf-8' : 'gb18030', bom: 0 };
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
