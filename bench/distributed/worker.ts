/**
 * One process of bench/distributed, our side: `node dist/bench/distributed/worker.js <json options>`.
 * mode "single": one process, `batch × 2` clips per step on all its threads. mode "ddp": one rank
 * of a two-process Gloo group (rank and rendezvous from the environment, VIDEOMAE_NUM_THREADS
 * threads), `batch` clips per rank per step: synchronised steps, then the same steps without the
 * gradient all-reduce (exposed communication = the difference), then the all-reduce of the
 * gradient bytes alone. Prints one JSON line.
 */
import { initProcessGroup } from '../../lib/distributed';
import { applyWorkerThreads } from '../../lib/distributed/worker';
import { parseConfig } from '../../lib/model/config';
import { VideoMAEForVideoClassification } from '../../lib/model/videomae';
import { MODEL_PRESETS } from '../../lib/train/model-presets';

interface WorkerOptions {
  mode: 'single' | 'ddp';
  model: string;
  batch: number;
  steps: number;
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

function inputs(config: Record<string, unknown>, batch: number) {
  const frames = Number(config.num_frames ?? 16);
  const size = Number(config.image_size ?? 224);
  const n = batch * frames * 3 * size * size;
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.sin(i * 0.001);
  return {
    pixelValues: { data, shape: [batch, frames, 3, size, size] },
    labels: Int32Array.from({ length: batch }, (_, i) => i % 10),
  };
}

async function main(o: WorkerOptions): Promise<Record<string, unknown>> {
  const preset = MODEL_PRESETS[o.model];
  if (!preset) throw new Error(`unknown model ${o.model}`);
  const config = { ...preset.config, num_labels: 10 };
  const model = await VideoMAEForVideoClassification.fromConfig(parseConfig(config), { seed: 0, device: 'cpu', dtype: 'float32' });
  model.train();
  model.createOptimizer({ lr: 1e-5 });
  const step = (batch: ReturnType<typeof inputs>, sync: boolean) => model.trainStep(batch, { lr: 1e-5, maxGradNorm: 1, sync });
  if (o.mode === 'single') {
    const batch = inputs(config, 2 * o.batch);
    await step(batch, true); // warm-up
    const stepMs: number[] = [];
    for (let i = 0; i < o.steps; i++) {
      const t = now();
      await step(batch, true);
      stepMs.push(now() - t);
    }
    return { mode: o.mode, stepMs, clipsPerStep: 2 * o.batch };
  }
  const threads = applyWorkerThreads();
  const group = await initProcessGroup({ timeoutMs: 600_000 });
  const info = await model.attachProcessGroup(group);
  const batch = inputs(config, o.batch);
  await step(batch, true);
  const timed = async (sync: boolean) => {
    const out: number[] = [];
    for (let i = 0; i < o.steps; i++) {
      await group.barrier();
      const t = now();
      await step(batch, sync);
      out.push(now() - t);
    }
    return out;
  };
  const stepMs = await timed(true);
  const localStepMs = await timed(false);
  const gradients = { data: new Float32Array(info.bytesPerSync / 4), shape: [info.bytesPerSync / 4] };
  const allReduceMs: number[] = [];
  await group.allReduce(gradients, 'avg'); // warm-up: the first touch of a fresh buffer faults its pages in
  for (let i = 0; i < o.steps; i++) {
    await group.barrier();
    const t = now();
    await group.allReduce(gradients, 'avg');
    allReduceMs.push(now() - t);
  }
  group.destroy();
  return { mode: o.mode, rank: group.rank, threads, stepMs, localStepMs, allReduceMs, ...info, clipsPerStep: 2 * o.batch };
}

main(JSON.parse(process.argv[2] ?? '{}') as WorkerOptions).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stdout.write(`${JSON.stringify({ error: String(error) })}\n`);
    process.exit(1);
  },
);
