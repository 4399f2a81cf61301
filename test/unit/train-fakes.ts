/**
 * Test doubles for the Trainer that do real arithmetic: a softmax-regression "model" in float64
 * with HF's clip rule and torch's AdamW (decay on weights only), and a seeded, sized batch source
 * whose order depends only on (seed, epoch) — like the real DataLoader.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {
  Batch,
  BatchSource,
  ForwardResult,
  OptimizerLike,
  OptimizerOptions,
  TrainableModel,
  TrainStepOptions,
  TrainStepResult,
} from '../../lib/train/interfaces';
import { Trainer } from '../../lib/train/trainer';
import type { TrainingArgumentsInput } from '../../lib/train/training-args';
import { classificationMetrics } from '../../lib/metrics/evaluation-report';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { mulberry32 } = require('../../scripts/mulberry32') as { mulberry32: (seed: number) => () => number };

export interface FakeInput {
  data: Float64Array;
  shape: [number, number];
}

export interface StepRecord {
  lr: number;
  lossScale: number;
  loss: number;
  step: boolean;
  batch: number;
  gradNorm?: number;
}

/** mulberry32, the harnesses' seeded PRNG (scripts/mulberry32.js). */
export const rng: (seed: number) => () => number = mulberry32;

class FakeOptimizer implements OptimizerLike {
  t = 0;
  m: Float64Array;
  v: Float64Array;
  constructor(
    size: number,
    readonly options: OptimizerOptions,
  ) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }
  save(file: string): void {
    fs.writeFileSync(file, JSON.stringify({ t: this.t, m: Array.from(this.m), v: Array.from(this.v) }));
  }
  load(file: string): void {
    const s = JSON.parse(fs.readFileSync(file, 'utf8')) as { t: number; m: number[]; v: number[] };
    this.t = s.t;
    this.m = Float64Array.from(s.m);
    this.v = Float64Array.from(s.v);
  }
}

export class FakeModel implements TrainableModel {
  readonly numClasses: number;
  readonly numFeatures: number;
  /** Weights [C × F] then biases [C]. */
  params: Float64Array;
  grads: Float64Array;
  optimizer: FakeOptimizer | null = null;
  training = true;
  steps: StepRecord[] = [];
  stepDelayMs = 0;
  failSaveAt: number | null = null;
  saves = 0;
  readonly config: Record<string, unknown> & { id2label: Record<string, string> };

  constructor(numFeatures: number, numClasses: number, seed = 1) {
    this.numFeatures = numFeatures;
    this.numClasses = numClasses;
    const r = rng(seed);
    this.params = new Float64Array(numClasses * numFeatures + numClasses).map(() => (r() - 0.5) * 0.2);
    this.grads = new Float64Array(this.params.length);
    this.config = { id2label: Object.fromEntries(Array.from({ length: numClasses }, (_, i) => [String(i), `class_${i}`])) };
  }

  train(): void {
    this.training = true;
  }
  eval(): void {
    this.training = false;
  }
  numParameters(): number {
    return this.params.length;
  }

  private logits(x: FakeInput): Float64Array {
    const [n, f] = x.shape;
    const c = this.numClasses;
    const out = new Float64Array(n * c);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < c; k++) {
        let s = this.params[c * f + k];
        for (let j = 0; j < f; j++) s += this.params[k * f + j] * x.data[i * f + j];
        out[i * c + k] = s;
      }
    }
    return out;
  }

  /** Mean cross-entropy and dLoss/dLogits (of the mean). */
  private lossAndDlogits(logits: Float64Array, labels: ArrayLike<number>): { loss: number; d: Float64Array } {
    const c = this.numClasses;
    const n = labels.length;
    const d = new Float64Array(logits.length);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let k = 0; k < c; k++) max = Math.max(max, logits[i * c + k]);
      let sum = 0;
      for (let k = 0; k < c; k++) sum += Math.exp(logits[i * c + k] - max);
      loss += Math.log(sum) + max - logits[i * c + labels[i]];
      for (let k = 0; k < c; k++) d[i * c + k] = (Math.exp(logits[i * c + k] - max) / sum - (k === labels[i] ? 1 : 0)) / n;
    }
    return { loss: loss / n, d };
  }

  async forward(inputs: { pixelValues: unknown; labels?: Int32Array | number[] }): Promise<ForwardResult> {
    const x = inputs.pixelValues as FakeInput;
    const logits = this.logits(x);
    const result: ForwardResult = { logits: { data: Float32Array.from(logits), shape: [x.shape[0], this.numClasses] } };
    if (inputs.labels) result.loss = this.lossAndDlogits(logits, inputs.labels).loss;
    return result;
  }

  createOptimizer(options: OptimizerOptions): OptimizerLike {
    this.optimizer = new FakeOptimizer(this.params.length, options);
    return this.optimizer;
  }

  async trainStep(batch: { pixelValues: unknown; labels: Int32Array | number[] }, options: TrainStepOptions): Promise<TrainStepResult> {
    if (this.stepDelayMs) await new Promise((r) => setTimeout(r, this.stepDelayMs));
    const x = batch.pixelValues as FakeInput;
    const [n, f] = x.shape;
    const c = this.numClasses;
    const { loss, d } = this.lossAndDlogits(this.logits(x), batch.labels);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < c; k++) {
        const g = d[i * c + k] * options.lossScale;
        for (let j = 0; j < f; j++) this.grads[k * f + j] += g * x.data[i * f + j];
        this.grads[c * f + k] += g;
      }
    }
    const record: StepRecord = { lr: options.lr, lossScale: options.lossScale, loss, step: options.step, batch: n };
    this.steps.push(record);
    if (!options.step) return { loss };
    const norm = Math.sqrt(this.grads.reduce((a, g) => a + g * g, 0));
    const coef = Math.min(1, options.maxGradNorm / (norm + 1e-6));
    this.adamw(options.lr, coef);
    this.grads.fill(0);
    record.gradNorm = norm;
    return { loss, gradNorm: norm };
  }

  private adamw(lr: number, coef: number): void {
    const opt = this.optimizer;
    if (!opt) throw new Error('no optimizer');
    const { betas, eps, weightDecay } = opt.options;
    opt.t += 1;
    const weights = this.numClasses * this.numFeatures;
    for (let i = 0; i < this.params.length; i++) {
      const g = this.grads[i] * coef;
      if (i < weights) this.params[i] *= 1 - lr * weightDecay;
      opt.m[i] = betas[0] * opt.m[i] + (1 - betas[0]) * g;
      opt.v[i] = betas[1] * opt.v[i] + (1 - betas[1]) * g * g;
      const denom = Math.sqrt(opt.v[i]) / Math.sqrt(1 - betas[1] ** opt.t) + eps;
      this.params[i] -= (lr / (1 - betas[0] ** opt.t)) * (opt.m[i] / denom);
    }
  }

  async savePretrained(dir: string, options: { preprocessorConfig?: Record<string, unknown> } = {}): Promise<void> {
    this.saves += 1;
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(this.config));
    if (this.failSaveAt === this.saves) throw new Error('disk full (simulated)');
    fs.writeFileSync(path.join(dir, 'model.safetensors'), JSON.stringify(Array.from(this.params)));
    if (options.preprocessorConfig)
      fs.writeFileSync(path.join(dir, 'preprocessor_config.json'), JSON.stringify(options.preprocessorConfig));
  }

  async loadWeights(dir: string): Promise<void> {
    this.params = Float64Array.from(JSON.parse(fs.readFileSync(path.join(dir, 'model.safetensors'), 'utf8')) as number[]);
  }
}

/** A sized source over a fixed synthetic dataset; epoch e shuffles with seed + e. */
export class FakeSource implements BatchSource {
  readonly numSamples: number;
  readonly batchesPerEpoch: number;
  readonly features: Float64Array;
  readonly labels: Int32Array;
  epochsStarted: number[] = [];

  constructor(
    numSamples: number,
    readonly numFeatures: number,
    readonly numClasses: number,
    readonly batchSize: number,
    readonly options: { seed?: number; shuffle?: boolean; clipsPerVideo?: number } = {},
  ) {
    this.numSamples = numSamples;
    this.batchesPerEpoch = Math.ceil(numSamples / batchSize);
    const r = rng(1234);
    this.labels = Int32Array.from({ length: numSamples }, (_, i) => Math.floor(i / (options.clipsPerVideo ?? 1)) % numClasses);
    this.features = new Float64Array(numSamples * numFeatures);
    for (let i = 0; i < numSamples; i++) {
      for (let j = 0; j < numFeatures; j++) this.features[i * numFeatures + j] = (j % numClasses === this.labels[i] ? 1 : 0) + (r() - 0.5);
    }
  }

  order(epoch: number): number[] {
    const idx = Array.from({ length: this.numSamples }, (_, i) => i);
    if (this.options.shuffle === false) return idx;
    const r = rng((this.options.seed ?? 42) + epoch * 7919);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    return idx;
  }

  async *epoch(epochIndex: number): AsyncGenerator<Batch> {
    this.epochsStarted.push(epochIndex);
    const order = this.order(epochIndex);
    const f = this.numFeatures;
    for (let b = 0; b < this.batchesPerEpoch; b++) {
      const ids = order.slice(b * this.batchSize, (b + 1) * this.batchSize);
      const data = new Float64Array(ids.length * f);
      ids.forEach((id, i) => data.set(this.features.subarray(id * f, (id + 1) * f), i * f));
      const pixelValues: FakeInput = { data, shape: [ids.length, f] };
      yield {
        pixelValues,
        labels: Int32Array.from(ids.map((id) => this.labels[id])),
        videoIds: ids.map((id) => Math.floor(id / (this.options.clipsPerVideo ?? 1))),
      };
    }
  }
}

/** Features and classes of the checkpoint tests' fake model. */
export const CHECKPOINT_FEATURES = 6;
export const CHECKPOINT_CLASSES = 3;

/**
 * A Trainer on the fakes as the checkpoint tests run it (10 training and 9 eval samples, batches
 * of 4, lr 0.05, no signal handlers, no report): one setup shared by the save/resume and the kill tests.
 */
export function checkpointTrainer(
  outputDir: string,
  args: Partial<TrainingArgumentsInput>,
  model = new FakeModel(CHECKPOINT_FEATURES, CHECKPOINT_CLASSES),
): { trainer: Trainer; model: FakeModel } {
  const [F, C] = [CHECKPOINT_FEATURES, CHECKPOINT_CLASSES];
  const trainer = new Trainer({
    model,
    args: { outputDir, disableTqdm: true, learningRate: 0.05, ...args },
    trainDataset: new FakeSource(10, F, C, 4),
    evalDataset: new FakeSource(9, F, C, 4, { shuffle: false }),
    computeMetrics: classificationMetrics(),
    preprocessorConfig: { image_mean: [0.5, 0.5, 0.5] },
    handleSignals: false,
    writeReport: false,
  });
  return { trainer, model };
}
