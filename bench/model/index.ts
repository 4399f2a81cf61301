/**
 * bench/model: videomae-base (16×224×224, random weights) forward and train step (fwd+bwd+AdamW)
 * in ms per clip, fp32 and bf16 autocast, against Python transformers (sdpa) on the same torch
 * build in the same run, each iteration of ours followed by the same case in transformers (a served
 * child process, bench/model/peer.py --serve) so that both see the same load on a shared machine;
 * achieved GFLOP/s against a matmul peak measured here; peak RSS. `rows` feeds `npm run bench`'s table.
 *   node dist/bench/model/index.js [--batches 1,2,4] [--iterations 2] [--no-train] [--no-python] [--modes fp32,bf16]
 * Slow (seconds per forward on 2 cores): limit batches/iterations for a quick look.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VideoMAEForVideoClassification } from '../../lib/model';
import { nativeAs, packageRoot } from '../../lib/native/binding';
import type { BenchRow } from '../common/report';

export interface ModelBenchOptions {
  batches?: number[];
  iterations?: number;
  modes?: Array<'fp32' | 'bf16'>;
  train?: boolean;
  python?: boolean;
}

/**
 * gflops: the model's FLOPs (what transformers executes) per second; executedGflops and peakFraction:
 * the FLOPs this package executes (token-0 pooling skips the last layer's dead rows) per second.
 */
interface Row {
  what: 'forward' | 'trainStep';
  batch: number;
  mode: string;
  msPerClip: number;
  gflops?: number;
  executedGflops?: number;
  peakFraction?: number;
}

/** Forward FLOPs of videomae-base per clip (2·MACs): patch GEMM, 12 layers (QKV, attention, out, MLP), head. */
export function forwardFlopsPerClip(n = 1568, d = 768, i = 3072, layers = 12, patch = 1536): number {
  const perLayer = 2 * n * d * 3 * d + 2 * 2 * n * n * d + 2 * n * d * d + 2 * 2 * n * d * i;
  return 2 * n * patch * d + layers * perLayer;
}

/** The forward FLOPs executed with token-0 pooling: the last layer computes keys/values for all tokens, the rest for token 0. */
export function executedForwardFlopsPerClip(n = 1568, d = 768, i = 3072, layers = 12, patch = 1536): number {
  const lastLayer = 2 * n * d * 2 * d + 2 * d * d + 2 * 2 * n * d + 2 * d * d + 2 * 2 * d * i;
  return forwardFlopsPerClip(n, d, i, layers - 1, patch) + lastLayer;
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** GFLOP/s of a 2048³ matmul through the addon's libtorch (float32 or bfloat16). */
function measureMatmulPeak(bf16: boolean): number {
  return nativeAs<{ benchMatmul(n: number, bf16: boolean, reps: number): number }>().benchMatmul(2048, bf16, 5);
}

interface PeerResult {
  results?: Array<{ what: string; batch: number; mode: string; msPerClip: number }>;
  peakRssMB?: number | null;
}

/** The rows of `npm run bench`'s ratio table: ms per clip (and forward's share of the matmul peak) against transformers. */
export function benchRows(node: Row[], python: unknown, peaks: Record<string, number>): BenchRow[] {
  const peer = (python as PeerResult)?.results ?? [];
  const peerMs = (r: Row) => peer.find((p) => p.what === r.what && p.batch === r.batch && p.mode === r.mode)?.msPerClip ?? null;
  const rows: BenchRow[] = [];
  for (const r of node) {
    const label = `videomae-base ${r.what === 'forward' ? 'forward' : 'train step (fwd+bwd+AdamW)'}, 16x224x224, batch ${r.batch}, ${r.mode}`;
    rows.push({ case: label, unit: 'ms/clip', higherIsBetter: false, ours: r.msPerClip, peers: { transformers: peerMs(r) } });
    if (r.what === 'forward') {
      const theirs = peerMs(r);
      const fraction = (flops: number, ms: number) => (100 * flops) / (ms / 1000) / 1e9 / peaks[r.mode];
      rows.push({
        case: `${label}: % of the ${r.mode} matmul peak (${peaks[r.mode].toFixed(0)} GFLOP/s), executed FLOPs`,
        unit: '%',
        higherIsBetter: true,
        ours: fraction(executedForwardFlopsPerClip(), r.msPerClip),
        peers: { transformers: theirs === null ? null : fraction(forwardFlopsPerClip(), theirs) },
      });
    }
  }
  return rows;
}

/** The transformers peer as a child process answering one timed step per request (bench/model/peer.py --serve). */
class PythonPeer {
  private buffered = '';
  private waiting: Array<(line: string) => void> = [];
  private lines: string[] = [];

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      this.buffered += chunk;
      let newline: number;
      while ((newline = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, newline);
        this.buffered = this.buffered.slice(newline + 1);
        const waiter = this.waiting.shift();
        if (waiter) waiter(line);
        else this.lines.push(line);
      }
    });
  }

  static async start(): Promise<PythonPeer> {
    const script = path.join(packageRoot(), 'scripts', 'python-env.sh');
    const python =
      process.env.VIDEOMAE_PYTHON ?? (fs.existsSync(script) ? execFileSync('bash', [script], { encoding: 'utf8' }).trim() : '');
    if (!python) throw new Error('no Python reference environment (scripts/python-env.sh)');
    const child = spawn(python, [path.join(packageRoot(), 'bench', 'model', 'peer.py'), '--serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    const peer = new PythonPeer(child);
    child.on('exit', (code) => peer.failAll(`python peer exited (${String(code)}): ${stderr.trim().split('\n').pop() ?? ''}`));
    child.on('error', (error) => peer.failAll(`python peer: ${error.message}`));
    child.stdin.on('error', () => undefined); // EPIPE after an exit: reported through 'exit'
    await peer.next(); // {"ready": true}
    return peer;
  }

  private failAll(message: string): void {
    for (const waiter of this.waiting.splice(0)) waiter(JSON.stringify({ error: message }));
  }

  private next(): Promise<Record<string, unknown>> {
    const line = this.lines.shift();
    const parse = (text: string) => {
      const value = JSON.parse(text) as Record<string, unknown>;
      if (value.error) throw new Error(String(value.error));
      return value;
    };
    if (line !== undefined) return Promise.resolve(parse(line));
    return new Promise((resolve, reject) =>
      this.waiting.push((text) => {
        try {
          resolve(parse(text));
        } catch (error) {
          reject(error);
        }
      }),
    );
  }

  async run(what: 'forward' | 'trainStep', batch: number, mode: string): Promise<number> {
    this.child.stdin.write(`${JSON.stringify({ what, batch, mode })}\n`);
    return (await this.next()).ms as number;
  }

  async close(): Promise<number | null> {
    this.child.stdin.write(`${JSON.stringify({ what: 'quit' })}\n`);
    const rss = (await this.next()).peakRssMB as number;
    this.child.stdin.end();
    return rss;
  }
}

interface PeerTimings {
  results: Array<{ what: string; batch: number; mode: string; msPerClip: number }>;
  peakRssMB?: number | null;
  error?: string;
}

/**
 * Each iteration times ours and then the peer on the same case, back to back, so that both see the
 * same machine load (the machine is shared); the first iteration of each is a warm-up; best of the rest.
 */
async function timeBoth(
  iterations: number,
  ours: () => Promise<unknown>,
  peer: (() => Promise<number>) | null,
): Promise<[number, number | null]> {
  let best = Infinity;
  let peerBest: number | null = peer ? Infinity : null;
  for (let k = 0; k <= iterations; k++) {
    const t = now();
    await ours();
    if (k > 0) best = Math.min(best, now() - t);
    if (peer && peerBest !== null) {
      const ms = await peer();
      if (k > 0) peerBest = Math.min(peerBest, ms);
    }
  }
  return [best, peerBest];
}

export async function runModelBench(options: ModelBenchOptions = {}): Promise<Record<string, unknown>> {
  const o: Required<ModelBenchOptions> = {
    batches: [1, 2, 4],
    iterations: 2,
    modes: ['fp32', 'bf16'],
    train: true,
    python: true,
    ...options,
  };
  const peaks = { fp32: measureMatmulPeak(false), bf16: measureMatmulPeak(true) };
  const model = await VideoMAEForVideoClassification.fromConfig({ numLabels: 10, useMeanPooling: false }, { seed: 0, device: 'cpu' });
  model.createOptimizer({ lr: 1e-5 });
  const python: PeerTimings = { results: [] };
  let peer: PythonPeer | null = null;
  if (o.python) {
    try {
      peer = await PythonPeer.start();
    } catch (error) {
      python.error = String(error).split('\n')[0];
    }
  }
  const peerStep = (what: 'forward' | 'trainStep', batch: number, mode: string) => (peer ? () => peer!.run(what, batch, mode) : null);
  const rows: Row[] = [];
  const flops = forwardFlopsPerClip();
  const executed = executedForwardFlopsPerClip();
  try {
    for (const batch of o.batches) {
      const data = new Float32Array(batch * 16 * 3 * 224 * 224).map((_, k) => Math.sin(k));
      const pixelValues = { data, shape: [batch, 16, 3, 224, 224] };
      const labels = Array.from({ length: batch }, (_, k) => k % 10);
      for (const mode of o.modes) {
        const bf16 = mode === 'bf16';
        model.eval();
        const [best, theirs] = await timeBoth(
          o.iterations,
          () => model.forward({ pixelValues }, { bf16 }),
          peerStep('forward', batch, mode),
        );
        const gflops = (flops * batch) / (best / 1000) / 1e9;
        const executedGflops = (executed * batch) / (best / 1000) / 1e9;
        rows.push({
          what: 'forward',
          batch,
          mode,
          msPerClip: best / batch,
          gflops,
          executedGflops,
          peakFraction: executedGflops / peaks[mode],
        });
        if (theirs !== null) python.results.push({ what: 'forward', batch, mode, msPerClip: theirs / batch });
        if (!o.train) continue;
        const [step, theirStep] = await timeBoth(
          o.iterations,
          () => model.trainStep({ pixelValues, labels }, { lr: 1e-5, bf16 }),
          peerStep('trainStep', batch, mode),
        );
        rows.push({
          what: 'trainStep',
          batch,
          mode,
          msPerClip: step / batch,
          gflops: (3 * flops * batch) / (step / 1000) / 1e9,
          executedGflops: (3 * executed * batch) / (step / 1000) / 1e9,
        });
        if (theirStep !== null) python.results.push({ what: 'trainStep', batch, mode, msPerClip: theirStep / batch });
      }
    }
    if (peer) python.peakRssMB = await peer.close();
  } catch (error) {
    python.error = String(error).split('\n')[0];
  } finally {
    model.dispose();
  }
  const nodePeakRssMB = process.resourceUsage().maxRSS / 1024;
  return {
    name: 'model',
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadAverage: os.loadavg(), note: 'shared machine: timings are noisy' },
    matmulPeakGflops: peaks,
    node: rows,
    nodePeakRssMB,
    python: o.python ? python : { skipped: 'disabled' },
    rows: benchRows(rows, o.python ? python : null, peaks),
    notes: [
      `peak RSS: videomae ${nodePeakRssMB.toFixed(0)} MB, transformers ${python.peakRssMB?.toFixed(0) ?? 'n/a'} MB`,
      'ours and transformers timed alternately, each iteration back to back (best of the iterations after a warm-up)',
    ],
  };
}

function parseArgs(argv: string[]): ModelBenchOptions {
  const options: ModelBenchOptions = {};
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === '--batches') options.batches = argv[++k].split(',').map(Number);
    else if (a === '--iterations') options.iterations = Number(argv[++k]);
    else if (a === '--modes') options.modes = argv[++k].split(',') as Array<'fp32' | 'bf16'>;
    else if (a === '--no-train') options.train = false;
    else if (a === '--no-python') options.python = false;
  }
  return options;
}

if (require.main === module) {
  runModelBench(parseArgs(process.argv.slice(2)))
    .then((result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 1;
    });
}
