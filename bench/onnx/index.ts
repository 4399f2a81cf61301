/**
 * bench/onnx: videomae-base forward (16×224×224, random weights, fp32) in ms per clip against
 * onnxruntime-node (CPU execution provider) running the same weights: our model saves its
 * checkpoint, bench/onnx/export.py (reference Python env) loads it with transformers and exports
 * it with torch.onnx.export(dynamo=True) twice: the plain sdpa export, and one that ORT's transformer
 * optimizer fuses (Attention, SkipLayerNormalization, BiasGelu). Each iteration runs ours, ORT
 * plain, ORT fused back to back (2 intra-op threads each); best of the iterations after a
 * warm-up. Logits are compared with ours (max abs diff). Exports are cached by checkpoint hash.
 *   node dist/bench/onnx/index.js [--batches 1,2] [--iterations 2] [--model base|tiny] [--export-only]
 * onnxruntime-node is installed on first use into the package cache (bench/onnx/runtime.ts).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadOnnxRuntime } from './runtime';
import { VideoMAEForVideoClassification } from '../../lib/model';
import type { VideoMAEConfig } from '../../lib/model/config';
import { packageRoot } from '../../lib/native/binding';
import type { BenchReport, BenchRow } from '../common/report';

export interface OnnxBenchOptions {
  batches?: number[];
  iterations?: number;
  /** base: videomae-base (16×224²); tiny: a 2-layer 64-wide model on 4×32² clips, to check the pipeline. */
  model?: 'base' | 'tiny';
  /** The reference Python (default: $VIDEOMAE_PYTHON or scripts/python-env.sh). */
  python?: string;
  /** Where exports are cached (default: $VIDEOMAE_CACHE/bench-onnx or <tmpdir>/videomae-bench-onnx). */
  cacheDir?: string;
  /** Save the checkpoint and export (or find the cached export), no timing. */
  exportOnly?: boolean;
}

/** The few onnxruntime-node calls used here (typed locally: the package is loaded lazily). */
interface OrtTensor {
  data: Float32Array;
  dims: readonly number[];
}
interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface Ort {
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  InferenceSession: { create(file: string, options: Record<string, unknown>): Promise<OrtSession> };
  env: { versions?: { common?: string } };
}

interface ExportSummary {
  plain: string;
  fused: string;
  recipe: string;
  cached: boolean;
  nodeCounts: { plain: Record<string, number>; fused: Record<string, number> };
  recipes: Record<string, unknown>;
  versions: Record<string, string>;
  pythonCheckMaxAbsDiff?: Record<string, number>;
}

const PEERS = { plain: 'onnxruntime-node (dynamo export)', fused: 'onnxruntime-node (ORT-fused)' } as const;

const MODELS: Record<'base' | 'tiny', Partial<VideoMAEConfig>> = {
  base: { numLabels: 10, useMeanPooling: false },
  tiny: {
    numLabels: 10,
    useMeanPooling: false,
    hiddenSize: 64,
    numHiddenLayers: 2,
    numAttentionHeads: 4,
    intermediateSize: 128,
    imageSize: 32,
    numFrames: 4,
    patchSize: 16,
    tubeletSize: 2,
  },
};

function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

function referencePython(): string {
  if (process.env.VIDEOMAE_PYTHON) return process.env.VIDEOMAE_PYTHON;
  const out = execFileSync('bash', [path.join(packageRoot(), 'scripts', 'python-env.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.trim().split('\n').pop()!;
}

function defaultCacheDir(): string {
  return process.env.VIDEOMAE_CACHE ? path.join(process.env.VIDEOMAE_CACHE, 'bench-onnx') : path.join(os.tmpdir(), 'videomae-bench-onnx');
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let k = 0; k < a.length; k++) max = Math.max(max, Math.abs(a[k] - b[k]));
  return max;
}

export async function runOnnxBench(options: OnnxBenchOptions = {}): Promise<BenchReport & { raw: Record<string, unknown> }> {
  const o = { batches: [1, 2], iterations: 2, model: 'base' as const, ...options };
  const config = MODELS[o.model];
  const frames = config.numFrames ?? 16;
  const size = (config.imageSize as number | undefined) ?? 224;
  const cacheDir = o.cacheDir ?? defaultCacheDir();
  fs.mkdirSync(cacheDir, { recursive: true });

  const model = await VideoMAEForVideoClassification.fromConfig(config, { seed: 0, device: 'cpu' });
  model.eval();
  const sessions: OrtSession[] = [];
  const rows: BenchRow[] = [];
  const details: Array<Record<string, unknown>> = [];
  let summary: ExportSummary;
  let ortVersion: string | undefined;
  try {
    const checkpoint = path.join(cacheDir, `checkpoint-${o.model}`);
    await model.savePretrained(checkpoint);
    const python = o.python ?? referencePython();
    process.stderr.write(`[bench/onnx] exporting ${checkpoint} to ONNX (cached under ${cacheDir})\n`);
    const out = execFileSync(
      python,
      [path.join(packageRoot(), 'bench', 'onnx', 'export.py'), '--checkpoint', checkpoint, '--cache-root', cacheDir],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 16 << 20,
      },
    );
    summary = JSON.parse(out.trim().split('\n').pop()!) as ExportSummary;
    if (o.exportOnly) return { name: 'onnx', rows, notes: ['export only'], raw: { export: summary, cacheDir } };

    // Lazily: the package build and its tests do not need onnxruntime-node.
    const ort = loadOnnxRuntime<Ort>();
    ortVersion = ort.env.versions?.common;
    const sessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
    const plain = await ort.InferenceSession.create(summary.plain, sessionOptions);
    sessions.push(plain);
    const fused = await ort.InferenceSession.create(summary.fused, sessionOptions);
    sessions.push(fused);

    for (const batch of o.batches) {
      const shape = [batch, frames, 3, size, size];
      const data = new Float32Array(batch * frames * 3 * size * size).map((_, k) => Math.sin(k));
      const feeds = { pixel_values: new ort.Tensor('float32', data, shape) };
      const runners = {
        ours: async () => (await model.forward({ pixelValues: { data, shape } })).logits.data as Float32Array,
        plain: async () => (await plain.run(feeds)).logits.data,
        fused: async () => (await fused.run(feeds)).logits.data,
      };
      const best = { ours: Infinity, plain: Infinity, fused: Infinity };
      const logits: Partial<Record<keyof typeof runners, Float32Array>> = {};
      for (let k = 0; k <= o.iterations; k++) {
        for (const name of ['ours', 'plain', 'fused'] as const) {
          const t = now();
          const result = await runners[name]();
          const ms = now() - t;
          if (k === 0) logits[name] = Float32Array.from(result);
          else best[name] = Math.min(best[name], ms);
        }
      }
      const diff = { plain: maxAbsDiff(logits.ours!, logits.plain!), fused: maxAbsDiff(logits.ours!, logits.fused!) };
      const perClip = (ms: number) => (Number.isFinite(ms) ? ms / batch : null);
      rows.push({
        case: `videomae-${o.model} forward, ${frames}x${size}x${size}, batch ${batch}, fp32`,
        unit: 'ms/clip',
        higherIsBetter: false,
        ours: perClip(best.ours) ?? NaN,
        peers: { [PEERS.plain]: perClip(best.plain), [PEERS.fused]: perClip(best.fused) },
      });
      details.push({
        batch,
        msPerClip: { ours: perClip(best.ours), plain: perClip(best.plain), fused: perClip(best.fused) },
        logitsMaxAbsDiff: diff,
      });
      process.stderr.write(`[bench/onnx] batch ${batch}: ${JSON.stringify(details.at(-1))}\n`);
    }
  } finally {
    for (const session of sessions) await session.release();
    model.dispose();
  }

  const diffs = details.map((d) => `batch ${String(d.batch)}: ${JSON.stringify(d.logitsMaxAbsDiff)}`).join('; ');
  const fusedCounts = summary.nodeCounts.fused;
  return {
    name: 'onnx',
    rows,
    notes: [
      `onnxruntime-node ${ortVersion ?? '?'} CPU EP, intraOpNumThreads 2, interOpNumThreads 1, graphOptimizationLevel all; ours with libtorch's default threads; timed alternately (ours, ORT plain, ORT fused), best of ${o.iterations} after a warm-up`,
      `exports (torch ${summary.versions.torch}, onnxruntime ${summary.versions.onnxruntime} optimizer): plain = sdpa, dynamo=True; fused = recipe ${summary.recipe}: Attention ${fusedCounts.Attention}, MultiHeadAttention ${fusedCounts.MultiHeadAttention}, SkipLayerNormalization ${fusedCounts.SkipLayerNormalization}, BiasGelu ${fusedCounts.BiasGelu}, Gelu ${fusedCounts.Gelu}, nodes ${fusedCounts.total} (plain ${summary.nodeCounts.plain.total})`,
      `logits max abs diff from ours: ${diffs}`,
      'fp32 only: the ORT CPU execution provider has no bfloat16 MatMul or Softmax kernel (NOT_IMPLEMENTED when a bf16 graph loads, checked with onnxruntime 1.30), so there are no bf16 rows',
    ],
    raw: { export: summary, details, cacheDir, onnxruntimeNode: ortVersion },
  };
}

function parseArgs(argv: string[]): OnnxBenchOptions {
  const options: OnnxBenchOptions = {};
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === '--batches') options.batches = argv[++k].split(',').map(Number);
    else if (a === '--iterations') options.iterations = Number(argv[++k]);
    else if (a === '--model') options.model = argv[++k] as 'base' | 'tiny';
    else if (a === '--cache-dir') options.cacheDir = argv[++k];
    else if (a === '--export-only') options.exportOnly = true;
    else throw new Error(`unknown option ${a}`);
  }
  if (options.model && !(options.model in MODELS)) throw new Error('--model expects base or tiny');
  if (options.batches?.some((b) => !Number.isInteger(b) || b < 1)) throw new Error('--batches expects positive integers, e.g. 1,2');
  return options;
}

if (require.main === module) {
  runOnnxBench(parseArgs(process.argv.slice(2)))
    .then((result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 1;
    });
}
