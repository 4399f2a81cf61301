/** `node dist/bench/decode/cli.js [--dir D] [--batch N] [--rounds R] [--no-python]`: prints runDecodeBench's JSON. */
import { runDecodeBench } from './index';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

runDecodeBench({
  dir: arg('--dir'),
  batch: arg('--batch') ? Number(arg('--batch')) : undefined,
  rounds: arg('--rounds') ? Number(arg('--rounds')) : undefined,
  python: process.argv.includes('--no-python') ? false : undefined,
})
  .then((result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`))
  .catch((error: unknown) => {
    process.stderr.write(`bench/decode: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
