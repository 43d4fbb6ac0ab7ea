/** Deterministic run ids: the same sources, profile and as-of date always give the same id. */
import { createHash } from 'node:crypto';
import type { Profile } from '../core/config.ts';
import type { SourceRef } from './sources.ts';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The as-of date and a hash of the inputs (keys + ETags) and the resolved profile. */
export function runIdFor(asOf: string, sources: Pick<SourceRef, 'key' | 'etag'>[], profile: Profile | { invalid: string }): string {
  const inputs = sources.map((s) => `${s.key}\n${s.etag}`).join('\n');
  return `${asOf}-${sha256(`${inputs}\n${asOf}\n${JSON.stringify(profile)}`).slice(0, 16)}`;
}
