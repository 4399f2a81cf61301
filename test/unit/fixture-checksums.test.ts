/**
 * The golden fixtures the repository carries are exactly what their generators wrote: each folder
 * with a SHA256SUMS (written by tools/golden/make_tiny_fixture.py) matches it file by file, and
 * holds no file the generator did not write. An edited fixture would otherwise move the "golden"
 * values the parity tests compare against.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/run-node';

const fixtures = path.join(repoRoot, 'test', 'fixtures');
const folders = fs
  .readdirSync(fixtures)
  .map((name) => path.join(fixtures, name))
  .filter((dir) => fs.existsSync(path.join(dir, 'SHA256SUMS')));

test('the tiny golden checkpoint records its checksums', () => {
  expect(folders.map((dir) => path.basename(dir))).toContain('videomae-tiny');
});

describe.each(folders.map((dir) => [path.basename(dir), dir]))('%s', (_name, dir) => {
  const listed = fs
    .readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => /^([0-9a-f]{64}) {2}(.+)$/.exec(line)!)
    .map((match) => ({ sha256: match[1]!, file: match[2]! }));

  it('matches SHA256SUMS file by file', () => {
    for (const { sha256, file } of listed) {
      expect({
        file,
        sha256: createHash('sha256')
          .update(fs.readFileSync(path.join(dir, file)))
          .digest('hex'),
      }).toEqual({ file, sha256 });
    }
  });

  it('holds only the files SHA256SUMS lists', () => {
    expect(
      fs
        .readdirSync(dir)
        .filter((f) => f !== 'SHA256SUMS')
        .sort(),
    ).toEqual(listed.map((entry) => entry.file).sort());
  });
});
