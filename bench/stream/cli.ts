/** `node dist/bench/stream/cli.js [--model DIR] [--fps N] [--seconds S] [--window W] [--stride S]`: prints runStreamBench's JSON. */
import { runStreamBench } from './index';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function num(name: string): number | undefined {
  const value = arg(name);
  return value === undefined ? undefined : Number(value);
}

runStreamBench({
  model: arg('--model'),
  fps: num('--fps'),
  seconds: num('--seconds'),
  window: num('--window'),
  stride: num('--stride'),
  width: num('--width'),
  height: num('--height'),
})
  .then((result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`))
  .catch((error: unknown) => {
    process.stderr.write(`bench/stream: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
