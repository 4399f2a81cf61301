/**
 * One error vocabulary: every code the native side can raise (native/core/errors.h, exported by
 * the addon) is a code lib/errors.ts declares, every declared code is native or listed as
 * TypeScript-only, and the README's Errors section names them all.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ERROR_CODES, TYPESCRIPT_ONLY_ERROR_CODES } from '../../lib/errors';
import { native } from '../../lib/native/binding';
import { repoRoot } from '../helpers/run-node';

const nativeCodes = (native() as unknown as { errorCodes: string[] }).errorCodes;

test('the addon exports its error codes, each declared in lib/errors.ts', () => {
  expect(nativeCodes.length).toBeGreaterThanOrEqual(10);
  expect(new Set(nativeCodes).size).toBe(nativeCodes.length);
  for (const code of nativeCodes) expect(ERROR_CODES).toContain(code);
});

test('every declared code is raised natively or is one of the TypeScript-only codes', () => {
  const expected = [...nativeCodes, ...TYPESCRIPT_ONLY_ERROR_CODES].sort();
  expect([...ERROR_CODES].sort()).toEqual(expected);
  for (const code of TYPESCRIPT_ONLY_ERROR_CODES) expect(nativeCodes).not.toContain(code);
});

test("the README's Errors section lists every code", () => {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Errors'), readme.indexOf('\n## ', readme.indexOf('## Errors') + 3));
  for (const code of ERROR_CODES) expect({ code, listed: section.includes(`\`${code}\``) }).toEqual({ code, listed: true });
});
