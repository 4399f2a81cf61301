import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, runNode } from '../helpers/run-node';

// These run the compiled package (dist/, built by `npm test` before jest) in real child processes.
const distIndex = path.join(repoRoot, 'dist', 'lib', 'index.js');
const distDiagnostics = path.join(repoRoot, 'dist', 'lib', 'native', 'diagnostics.js');

beforeAll(() => {
  if (!fs.existsSync(distIndex)) throw new Error('dist/ is missing: run `npm run build:ts` (npm test does)');
});

describe('context awareness', () => {
  it('loads in the main thread and two worker_threads at once, and exits cleanly after terminating a busy worker', () => {
    const run = runNode([path.join(__dirname, 'child', 'two-workers.js'), distIndex]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.results).toHaveLength(2);
    for (const worker of result.results) {
      expect(worker.version).toBe(result.mainVersion);
      expect(worker.sum).toBe(Array.from({ length: 4096 }, (_, i) => i % 7).reduce((a, b) => a + b, 0));
      expect(worker.errorIsLocalClass).toBe(true);
    }
    expect(result.terminatedExitCode).toBe(1);
  });
});

describe('ownership of native memory handed to JS', () => {
  it('is released when the JS objects are collected (RSS stays flat over 2.4 GB of tensors)', () => {
    const run = runNode(['--expose-gc', path.join(__dirname, 'child', 'gc-ownership.js'), distDiagnostics]);
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.checksum).toBe(300 * (2 * 1024 * 1024 - 1) + 300 * 5);
    expect(result.growthMb).toBeLessThan(200);
  });
});
