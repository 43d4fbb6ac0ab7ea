/** Yes/no answers as exports and sheets write them (English, Chinese, a few European words, 1/0, booleans). */

const YES = new Set(['yes', 'y', 'true', '1', '是', '是的', '会', '愿意', '对', 'ja', 'oui', 'si', 'sí']);
const NO = new Set(['no', 'n', 'false', '0', '否', '不是', '不会', '不', '不愿意', 'nein', 'non']);

/** true / false for a yes or no word (trimmed, any case) or a boolean; undefined for a blank; null for anything else. */
export function yesNo(c: unknown): boolean | undefined | null {
  if (typeof c === 'boolean') return c;
  if (c === null || c === undefined) return undefined;
  const t = String(c).trim().toLowerCase();
  if (t === '') return undefined;
  if (YES.has(t)) return true;
  if (NO.has(t)) return false;
  return null;
}
