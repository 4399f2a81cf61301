/**
 * bench/distributed: data-parallel training on this machine. The same global batch (2 × --batch
 * clips per step) as 1 process × all cores, and as 2 Gloo ranks × cores/2 threads (the launcher's
 * split); per rank, exposed communication per step (synchronised step − no_sync step) and the
 * all-reduce of the gradient bytes alone. Against transformers + torch DistributedDataParallel
 * (gloo) on the same torch build, in the same run, with the same process layout.
 *   node dist/bench/distributed/index.js [--model base|small|tiny] [--batch 1] [--steps 3] [--no-python]
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageRoot } from '../../lib/native/binding';
import { MODEL_PRESETS } from '../../lib/train/model-presets';
import type { BenchReport, BenchRow } from '../common/report';
import { pickFreePort as freePort } from '../../lib/distributed/launcher';

export interface DistributedBenchOptions {
  model?: string;
  batch?: number;
  steps?: number;
  python?: boolean;
}

interface ProcessResult {
  stepMs: number[];
  localStepMs?: number[];
  allReduceMs?: number[];
  bytesPerSync?: number;
  threads?: number | null;
  error?: string;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.on('close', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as ProcessResult);
      } catch {
        resolve({ stepMs: [], error: `exit ${String(code)}: ${stderr.trim().split('\n').pop() ?? ''}` });
      }
    });
  });
}

/** One layout: 'single' (one process, all cores) or 'ddp' (2 ranks, cores/2 threads each); rank 0's result. */
async function runLayout(side: 'ours' | 'peer', mode: 'single' | 'ddp', options: Required<DistributedBenchOptions>, python: string) {
  const cores = os.availableParallelism();
  const root = packageRoot();
  const worker = { mode, model: options.model, batch: options.batch, steps: options.steps };
  const command = side === 'ours' ? process.execPath : python;
  const args =
    side === 'ours'
      ? [path.join(root, 'dist', 'bench', 'distributed', 'worker.js'), JSON.stringify(worker)]
      : [path.join(root, 'bench', 'distributed', 'peer.py'), JSON.stringify({ ...worker, config: MODEL_PRESETS[options.model]!.config })];
  if (mode === 'single') return runProcess(command, args, { ...process.env, OMP_NUM_THREADS: String(cores) });
  const port = await freePort();
  const threads = String(Math.max(1, Math.floor(cores / 2)));
  const ranks = [0, 1].map((rank) =>
    runProcess(command, args, {
      ...process.env,
      RANK: String(rank),
      WORLD_SIZE: '2',
      LOCAL_RANK: String(rank),
      LOCAL_WORLD_SIZE: '2',
      MASTER_ADDR: '127.0.0.1',
      MASTER_PORT: String(port),
      OMP_NUM_THREADS: threads,
      VIDEOMAE_NUM_THREADS: threads,
    }),
  );
  const [rank0, rank1] = await Promise.all(ranks);
  return rank1!.error && !rank0!.error ? rank1! : rank0!;
}

export async function runDistributedBench(input: DistributedBenchOptions = {}): Promise<BenchReport & { raw: unknown }> {
  const options: Required<DistributedBenchOptions> = { model: 'base', batch: 1, steps: 3, python: true, ...input };
  if (!MODEL_PRESETS[options.model]) throw new Error(`unknown model ${options.model}: expected ${Object.keys(MODEL_PRESETS).join(', ')}`);
  let python = '';
  if (options.python) {
    const script = path.join(packageRoot(), 'scripts', 'python-env.sh');
    python =
      process.env.VIDEOMAE_PYTHON ??
      (fs.existsSync(script) ? execFileSync('bash', [script], { encoding: 'utf8' }).trim().split('\n').pop()! : '');
  }
  const raw: Record<string, ProcessResult | null> = {};
  for (const mode of ['single', 'ddp'] as const) {
    raw[`ours-${mode}`] = await runLayout('ours', mode, options, python);
    raw[`peer-${mode}`] = python ? await runLayout('peer', mode, options, python) : null;
  }
  const clipsPerSecond = (r: ProcessResult | null) =>
    r && !r.error && r.stepMs.length ? (2 * options.batch) / (median(r.stepMs) / 1000) : null;
  const exposed = (r: ProcessResult | null) =>
    r && !r.error && r.localStepMs?.length ? Math.max(0, median(r.stepMs) - median(r.localStepMs)) : null;
  const allReduce = (r: ProcessResult | null) => (r && !r.error && r.allReduceMs?.length ? median(r.allReduceMs) : null);
  const cores = os.availableParallelism();
  const ddp = raw['ours-ddp']!;
  const mb = ((ddp.bytesPerSync ?? 0) / 2 ** 20).toFixed(0);
  const name = `videomae-${options.model}`;
  const rows: BenchRow[] = [
    {
      case: `${name} train step, 1 process × ${cores} threads, ${2 * options.batch} clips/step`,
      unit: 'clips/s',
      higherIsBetter: true,
      ours: clipsPerSecond(raw['ours-single']!) ?? 0,
      peers: { transformers: clipsPerSecond(raw['peer-single'] ?? null) },
    },
    {
      case: `${name} DDP train step, 2 processes × ${Math.max(1, Math.floor(cores / 2))} threads (gloo), ${options.batch} clip(s)/rank`,
      unit: 'clips/s',
      higherIsBetter: true,
      ours: clipsPerSecond(ddp) ?? 0,
      peers: { 'transformers + torch DDP': clipsPerSecond(raw['peer-ddp'] ?? null) },
    },
    {
      case: `${name} gradient all-reduce alone, ${mb} MiB, 2 ranks on 127.0.0.1 (gloo)`,
      unit: 'ms',
      higherIsBetter: false,
      ours: allReduce(ddp) ?? 0,
      peers: { 'torch.distributed': allReduce(raw['peer-ddp'] ?? null) },
    },
    {
      case: `${name} exposed communication per DDP step (synchronised − no_sync step)`,
      unit: 'ms',
      higherIsBetter: false,
      ours: exposed(ddp) ?? 0,
      peers: { 'torch DDP': exposed(raw['peer-ddp'] ?? null) },
    },
  ];
  const notes = [
    `${ddp.bytesPerSync ?? '?'} gradient bytes all-reduced per optimizer step (every trainable float32 parameter once, 25 MiB buckets).`,
    `medians of ${options.steps} steps after one warm-up step; errors: ${
      Object.entries(raw)
        .filter(([, r]) => r?.error)
        .map(([k, r]) => `${k}: ${r!.error}`)
        .join('; ') || 'none'
    }`,
  ];
  return { name: 'distributed', rows, notes, raw };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const value = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  runDistributedBench({
    ...(value('--model') ? { model: value('--model')! } : {}),
    ...(value('--batch') ? { batch: Number(value('--batch')) } : {}),
    ...(value('--steps') ? { steps: Number(value('--steps')) } : {}),
    python: !argv.includes('--no-python'),
  }).then(
    (report) => process.stdout.write(`${JSON.stringify(report, null, 2)}\n`),
    (error: unknown) => {
      process.stderr.write(`bench/distributed: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
