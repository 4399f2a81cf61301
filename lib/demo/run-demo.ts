/**
 * `npm run demo`: the main job end to end on this machine, with nothing downloaded —
 * synthesize a UCF101-layout action dataset, fine-tune a small VideoMAE on it from scratch (or a
 * given HF checkpoint), evaluate the test split, write the HTML report, classify a held-out video
 * with the inference pipeline and print its top 5, and say where everything is.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { synthesizeDataset } from '../data/synth';
import { classificationMetrics } from '../metrics/evaluation-report';
import { pipeline } from '../pipeline';
import { defaultPreprocessorConfig as preprocessorFor, presetConfig } from '../train/model-presets';
import {
  createVideoLoader,
  loadFolderSplit,
  loadPretrained,
  modelFromConfig,
  type LabelledDataset,
  type TrainableVideoMAE,
} from '../train/runtime';
import { stringifySorted } from '../train/trainer-state';
import { Trainer } from '../train/trainer';
import type { BatchSource } from '../train/interfaces';
import { DEMO_RECIPE, type DemoRecipe } from './recipe';

export interface DemoOptions {
  /** Folder for the dataset, checkpoints, model and report. */
  output: string;
  /** Start from this HF checkpoint folder instead of a fresh small VideoMAE. */
  model?: string;
  recipe?: DemoRecipe;
  log?: (line: string) => void;
}

export interface DemoResult {
  dataDir: string;
  modelDir: string;
  reportPath: string;
  testAccuracy: number;
  prediction: { file: string; trueLabel: string; predictions: Array<{ label: string; score: number }> };
  seconds: { synth: number; train: number; test: number; predict: number; total: number };
}

async function buildModel(
  options: DemoOptions,
  recipe: DemoRecipe,
  labels: string[],
): Promise<{ model: TrainableVideoMAE; preprocessor: Record<string, unknown> }> {
  if (options.model) {
    const id2label = Object.fromEntries(labels.map((label, i) => [String(i), label]));
    const model = await loadPretrained(options.model, {
      device: 'cpu',
      dtype: 'float32',
      id2label,
      numLabels: labels.length,
      ignoreMismatchedSizes: true,
    });
    const processorFile = path.join(options.model, 'preprocessor_config.json');
    const preprocessor = fs.existsSync(processorFile)
      ? (JSON.parse(fs.readFileSync(processorFile, 'utf8')) as Record<string, unknown>)
      : presetConfig('base', labels).preprocessor;
    return { model, preprocessor };
  }
  const preset = presetConfig(recipe.preset, labels);
  const config = { ...preset.config, ...recipe.configOverrides };
  // an image_size override resizes the preprocessor with it (the loader feeds the model that size)
  const preprocessor = config.image_size === preset.config.image_size ? preset.preprocessor : preprocessorFor(Number(config.image_size));
  const model = await modelFromConfig(config, { seed: recipe.training.seed ?? 42, device: 'cpu', dtype: 'float32' });
  return { model, preprocessor };
}

/**
 * One libuv worker thread for the addon's async calls, when nothing has started the pool yet (the
 * CLI). Measured: the same seed then gives bit-identical training; with the default 4 threads
 * the losses differ run to run from the second step on (~1e-7 relative), enough to move the final
 * accuracy by a few videos. Native ops run one at a time anyway (the trainer awaits each step;
 * the loader's decoding runs on its own threads), so this costs no measurable speed.
 */
function pinThreadPool(): void {
  process.env.UV_THREADPOOL_SIZE ??= '1';
}

/** The first test video of the class in the middle of the label list: held out from training. */
function heldOutVideo(test: LabelledDataset): { file: string; label: string } {
  const label = test.labels[Math.floor(test.labels.length / 2)]!;
  const entry = test.videos.find((video) => test.labels[video.label] === label) ?? test.videos[0]!;
  return { file: entry.path, label: test.labels[entry.label]! };
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  pinThreadPool();
  const recipe = options.recipe ?? DEMO_RECIPE;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = Date.now();
  const seconds = (since: number) => (Date.now() - since) / 1000;
  const output = path.resolve(options.output);
  const dataDir = path.join(output, 'data');
  const modelDir = path.join(output, 'model');

  let phase = Date.now();
  log(`[1/4] synthesizing a ${recipe.data.motions?.length ?? recipe.data.classes}-class action dataset in ${dataDir}`);
  await synthesizeDataset({ ...recipe.data, output: dataDir, force: true });
  const synthSeconds = seconds(phase);

  const train = await loadFolderSplit(dataDir, 'train');
  const val = await loadFolderSplit(dataDir, 'val', train.labels);
  const test = await loadFolderSplit(dataDir, 'test', train.labels);
  const { model, preprocessor } = await buildModel(options, recipe, train.labels);
  const numFrames = Number(model.config.num_frames ?? 16);
  const createLoader = (
    dataset: unknown,
    o: { train: boolean; batchSize: number; seed: number; workers: number; dropLast: boolean },
  ): BatchSource =>
    createVideoLoader(dataset as LabelledDataset, { ...o, numFrames, preprocessor, flip: recipe.flip, augmentation: recipe.augmentation });

  phase = Date.now();
  log(
    `[2/4] training ${options.model ? `from ${options.model}` : `a ${recipe.preset} VideoMAE from scratch`} (${model.numParameters().toLocaleString('en-US')} parameters) on ${train.videos.length} videos`,
  );
  const trainer = new Trainer({
    model,
    args: { ...recipe.training, outputDir: modelDir },
    trainDataset: train,
    evalDataset: val,
    computeMetrics: classificationMetrics(),
    preprocessorConfig: preprocessor,
    createLoader,
  });
  let testAccuracy: number;
  let testSeconds: number;
  try {
    const result = await trainer.train();
    if (result.interrupted)
      throw new Error(`training was interrupted at step ${result.globalStep}; checkpoint ${result.checkpoint ?? 'none'}`);
    const trainSeconds = seconds(phase);
    phase = Date.now();
    log(`[3/4] evaluating the best model on the test split (${test.videos.length} videos)`);
    const metrics = await trainer.evaluate(test, { metricKeyPrefix: 'test' });
    fs.writeFileSync(path.join(modelDir, 'test_results.json'), `${stringifySorted(metrics)}\n`);
    testAccuracy = metrics.test_accuracy ?? Number.NaN;
    testSeconds = seconds(phase);
    trainer.writeReport();
    phase = Date.now();
    log(`[4/4] classifying a held-out test video with the inference pipeline`);
    const heldOut = heldOutVideo(test);
    const classifier = await pipeline('video-classification', { model: modelDir });
    let predictions: Array<{ label: string; score: number }>;
    try {
      predictions = (await classifier(heldOut.file, { topK: 5 })) as Array<{ label: string; score: number }>;
    } finally {
      classifier.dispose();
    }
    const predictSeconds = seconds(phase);
    return {
      dataDir,
      modelDir,
      reportPath: path.join(modelDir, 'report.html'),
      testAccuracy,
      prediction: { file: heldOut.file, trueLabel: heldOut.label, predictions },
      seconds: { synth: synthSeconds, train: trainSeconds, test: testSeconds, predict: predictSeconds, total: seconds(started) },
    };
  } finally {
    await trainer.close();
    model.dispose?.();
  }
}
