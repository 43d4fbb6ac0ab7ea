/**
 * `npm run addon:push`: pushes addon/dist with clasp. Without a clasp login, clasp says only
 * "No credentials found"; this says what to do.
 * Usage: npm run addon:push   (builds first)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const LOGIN_HINT = [
  'clasp is not signed in to a Google account. Run once:',
  '  npx clasp login',
  'then enable the Apps Script API at https://script.google.com/home/usersettings and run `npm run addon:push` again.',
].join('\n');
export const SCRIPT_ID_HINT = 'addon/.clasp.json has no script id yet: put your script\'s id there (Extensions › Apps Script › Project Settings), or see docs/addon.md.';

/** Why a push cannot work yet, or null. `home` and `claspJson` are parameters for the tests. */
export function pushProblem(home = homedir(), claspJson = join(here, '.clasp.json')): string | null {
  if (!existsSync(join(home, '.clasprc.json'))) return LOGIN_HINT;
  const id = (JSON.parse(readFileSync(claspJson, 'utf8')) as { scriptId?: string }).scriptId ?? '';
  if (!id || id.startsWith('REPLACE_')) return SCRIPT_ID_HINT;
  return null;
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  const problem = pushProblem();
  if (problem) {
    process.stderr.write(problem + '\n');
    process.exit(1);
  }
  const r = spawnSync('npx', ['clasp', 'push', '--project', 'addon'], { cwd: join(here, '..'), encoding: 'utf8' });
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  if (/no credentials|not logged in|login/i.test(`${r.stdout}${r.stderr}`) && r.status !== 0) process.stderr.write(LOGIN_HINT + '\n');
  process.exit(r.status ?? 1);
}
