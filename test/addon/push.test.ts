/** `npm run addon:push` explains what is missing instead of clasp's bare "No credentials found". */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOGIN_HINT, SCRIPT_ID_HINT, pushProblem } from '../../addon/push.ts';

describe('addon:push', () => {
  const dir = mkdtempSync(join(tmpdir(), 'addon-push-'));
  const clasp = (scriptId: string) => {
    const f = join(dir, `clasp-${scriptId || 'none'}.json`);
    writeFileSync(f, JSON.stringify({ scriptId, rootDir: 'dist' }));
    return f;
  };

  it('without a clasp login says to run npx clasp login', () => {
    expect(pushProblem(join(dir, 'no-home'), clasp('abc'))).toBe(LOGIN_HINT);
    expect(LOGIN_HINT).toContain('npx clasp login');
  });

  it('with a login but the placeholder script id says to fill in addon/.clasp.json', () => {
    const home = mkdtempSync(join(tmpdir(), 'addon-home-'));
    writeFileSync(join(home, '.clasprc.json'), '{}');
    expect(pushProblem(home, clasp('REPLACE_WITH_YOUR_SCRIPT_ID'))).toBe(SCRIPT_ID_HINT);
    expect(pushProblem(home, clasp(''))).toBe(SCRIPT_ID_HINT);
    expect(pushProblem(home, clasp('1AbCdEf'))).toBeNull();
  });
});
