import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { VideomaeError } from '../../errors';
import { packageRoot } from '../../native/binding';

/** The benchmarks live in the repository (bench/), not in the npm package: run them from a checkout. */
export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('run the decode, data, model and stream benchmarks (from a source checkout), with Python peers when asked')
    .option('--peers', 'also run the Python peers (PyAV, torch DataLoader, transformers) in the reference environment')
    .option('--only <names>', 'comma-separated subset of decode,data,model,stream')
    .option('--quick', 'small sizes, for a smoke run')
    .action(async (options: { peers?: boolean; only?: string; quick?: boolean }) => {
      const entry = path.join(packageRoot(), 'dist', 'bench', 'index.js');
      if (!fs.existsSync(entry)) {
        throw new VideomaeError(
          'the benchmarks ship with the source repository, not the npm package: run `npm run bench` in a checkout',
          'ERR_VIDEOMAE_UNSUPPORTED',
        );
      }
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runBenchmarks } = require(entry) as { runBenchmarks(argv: string[]): Promise<string> };
      const argv = [
        ...(options.peers ? ['--peers'] : []),
        ...(options.only ? ['--only', options.only] : []),
        ...(options.quick ? ['--quick'] : []),
      ];
      process.stdout.write(`${await runBenchmarks(argv)}\n`);
    });
}
