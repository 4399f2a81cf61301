/**
 * bench/pretrain: a VideoMAEForPreTraining train step (forward on the visible tokens + decoder,
 * backward, AdamW) of videomae-base (16×224, mask ratio 0.9), ours against transformers on the
 * same torch build in the same run, ms per clip (median of the iterations after a warm-up).
 *   node dist/bench/pretrain/index.js [--model base|small|tiny] [--batch 1] [--iterations 3] [--no-python]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../../lib/model/config';
import { VideoMAEForPreTraining } from '../../lib/model/pretraining';
import { packageRoot } from '../../lib/native/binding';
import { preTrainingPresetConfig } from '../../lib/train/model-presets';
import type { BenchReport } from '../common/report';

export interface PretrainBenchOptions {
  model?: string;
  batch?: number;
  iterations?: number;
  python?: boolean;
  maskRatio?: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

async function ours(config: Record<string, unknown>, o: Required<PretrainBenchOptions>): Promise<number[]> {
  const model = await VideoMAEForPreTraining.fromConfig(parseConfig(config), { seed: 0, device: 'cpu' });
  model.train();
  model.createOptimizer({ lr: 1.5e-4, betas: [0.9, 0.95], weightDecay: 0.05 });
  const c = model.config;
  const size = Number(config.image_size);
  const n = o.batch * c.numFrames * 3 * size * size;
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.sin(i * 0.001);
  const pixelValues = { data, shape: [o.batch, c.numFrames, 3, size, size] };
  const mask = model.tubeMask({ maskRatio: o.maskRatio, seed: 0, sampleIndices: Array.from({ length: o.batch }, () => 0) });
  const times: number[] = [];
  try {
    for (let i = 0; i <= o.iterations; i++) {
      const t = now();
      await model.trainStep({ pixelValues, boolMaskedPos: mask }, { lr: 1.5e-4, maxGradNorm: 0 });
      if (i > 0) times.push(now() - t);
    }
  } finally {
    model.dispose();
  }
  return times;
}

function peer(config: Record<string, unknown>, o: Required<PretrainBenchOptions>): { ms: number[] } | { error: string } {
  const script = path.join(packageRoot(), 'scripts', 'python-env.sh');
  const python =
    process.env.VIDEOMAE_PYTHON ??
    (fs.existsSync(script) ? execFileSync('bash', [script], { encoding: 'utf8' }).trim().split('\n').pop()! : '');
  if (!python) return { error: 'no Python reference environment' };
  const run = spawnSync(
    python,
    [
      path.join(packageRoot(), 'bench', 'pretrain', 'peer.py'),
      JSON.stringify({ config, batch: o.batch, iterations: o.iterations, maskRatio: o.maskRatio }),
    ],
    {
      encoding: 'utf8',
    },
  );
  try {
    return JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as { ms: number[] };
  } catch {
    return { error: `peer exited ${String(run.status)}: ${run.stderr.trim().split('\n').pop() ?? ''}` };
  }
}

export async function runPretrainBench(input: PretrainBenchOptions = {}): Promise<BenchReport & { raw: unknown }> {
  const o: Required<PretrainBenchOptions> = { model: 'base', batch: 1, iterations: 3, python: true, maskRatio: 0.9, ...input };
  const { config } = preTrainingPresetConfig(o.model);
  const oursMs = await ours(config, o);
  const theirs = o.python ? peer(config, o) : { error: 'disabled' };
  const theirMs = 'ms' in theirs && theirs.ms.length ? median(theirs.ms) / o.batch : null;
  return {
    name: 'pretrain',
    rows: [
      {
        case: `videomae-${o.model} pre-training step (mask ${o.maskRatio}, fwd+bwd+AdamW), batch ${o.batch}, fp32`,
        unit: 'ms/clip',
        higherIsBetter: false,
        ours: median(oursMs) / o.batch,
        peers: { transformers: theirMs },
      },
    ],
    notes: [
      `medians of ${o.iterations} steps after one warm-up step; ours then transformers, one after the other${'error' in theirs ? `; peer: ${theirs.error}` : ''}`,
    ],
    raw: { ours: oursMs, peer: theirs },
  };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const value = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  runPretrainBench({
    ...(value('--model') ? { model: value('--model')! } : {}),
    ...(value('--batch') ? { batch: Number(value('--batch')) } : {}),
    ...(value('--iterations') ? { iterations: Number(value('--iterations')) } : {}),
    python: !argv.includes('--no-python'),
  }).then(
    (report) => process.stdout.write(`${JSON.stringify(report, null, 2)}\n`),
    (error: unknown) => {
      process.stderr.write(`bench/pretrain: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
