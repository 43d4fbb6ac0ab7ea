/** S3 object keys: decoding event keys and the layout of a dataset's uploads and reports. */
import type { TableKind } from '../core/types.ts';

export const UPLOAD_PREFIX = 'uploads/';
export const REPORT_PREFIX = 'reports/';
/** File endings the upload trigger fires on (and that a dataset's sources may have). */
export const SOURCE_SUFFIXES = ['.csv', '.txt', '.tsv', '.gz', '.xlsx', '.jsonl'];
/** Suffix filters of the upload trigger: the sources, and a dataset's profile.json. */
export const NOTIFICATION_SUFFIXES = [...SOURCE_SUFFIXES, '/profile.json'];
export const TABLE_KINDS: TableKind[] = ['transactions', 'customers', 'surveys'];

/** Keys in S3 event notifications are URL-encoded with `+` for a space. */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** The encoding real S3 applies to keys in event notifications (the inverse of decodeEventKey). */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

export function isSourceKey(key: string): boolean {
  const lower = key.toLowerCase();
  return key.startsWith(UPLOAD_PREFIX) && SOURCE_SUFFIXES.some((s) => lower.endsWith(s));
}

/** `uploads/<ds>/<kind>/…` → its parts; null for keys outside that layout. */
export function parseUploadKey(key: string): { dataset: string; kind: TableKind | 'profile' } | null {
  if (!key.startsWith(UPLOAD_PREFIX)) return null;
  const parts = key.slice(UPLOAD_PREFIX.length).split('/');
  if (parts.length < 2 || !parts[0]) return null;
  const [dataset, second] = parts;
  if (parts.length === 2 && second === 'profile.json') return { dataset, kind: 'profile' };
  if (parts.length >= 3 && (TABLE_KINDS as string[]).includes(second) && parts.at(-1)) {
    return { dataset, kind: second as TableKind };
  }
  return null;
}

export const reportKey = (dataset: string, runId: string, file: string) => `${REPORT_PREFIX}${dataset}/${runId}/${file}`;
