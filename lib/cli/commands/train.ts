/**
 * `videomae train --data DIR [--model DIR | --config NAME] --output DIR [...TrainingArguments]`:
 * fine-tunes (or trains from scratch) on a UCF101-layout folder the way the HF guide does —
 * evaluate and save every epoch, keep the best model by accuracy — then evaluates the test split.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { VideomaeError, invalidArg } from '../../errors';
import { classificationMetrics } from '../../metrics/evaluation-report';
import { EarlyStoppingCallback } from '../../train/callbacks';
import { pushAfterTraining } from './push';
import { addTrainingArgumentOptions, parseClipFps, trainingArgumentsFromOptions, withoutEvaluation } from '../../train/cli-options';
import type { BatchSource } from '../../train/interfaces';
import { MODEL_PRESETS, presetConfig } from '../../train/model-presets';
import {
  createVideoLoader,
  loadFolderSplit,
  loadPretrained,
  modelFromConfig,
  type LabelledDataset,
  type TrainableVideoMAE,
} from '../../train/runtime';
import { exitCodeFor } from '../../train/signals';
import { stringifySorted } from '../../train/trainer-state';
import { Trainer } from '../../train/trainer';
import { resolveDatasetSource } from '../../hub/dataset-source';
import type { TrainingArgumentsInput } from '../../train/training-args';
import { joinForTraining } from '../../distributed/worker';
import { launchFromCli, registerLauncherOptions, wantsLauncher, type LauncherCliOptions } from './train-launcher';

/** The HF guide's choices (docs/hf-semantics.md § "HF guide: training arguments"), over HF's library defaults. */
export const CLI_DEFAULTS: Partial<TrainingArgumentsInput> = {
  evalStrategy: 'epoch',
  saveStrategy: 'epoch',
  loadBestModelAtEnd: true,
  metricForBestModel: 'accuracy',
  loggingSteps: 10,
  warmupSteps: 0.1,
  saveTotalLimit: 2,
};

interface TrainCliOptions extends Record<string, unknown>, LauncherCliOptions {
  data: string;
  model?: string;
  config?: string;
  output: string;
  resume?: string | boolean;
  earlyStopping?: number;
  test?: boolean;
  flip?: boolean;
  clipFps?: string;
}

function readJsonIfExists(file: string): Record<string, unknown> | undefined {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : undefined;
}

function splitExists(root: string, split: string): boolean {
  return fs.existsSync(path.join(root, split)) && fs.statSync(path.join(root, split)).isDirectory();
}

/**
 * What transformers warns about when from_pretrained does not use every weight or lacks some: a
 * pre-training checkpoint's decoder goes unused and the classifier is new (expected before
 * fine-tuning; a surprise otherwise).
 */
function reportLoad(dir: string, report: { missingKeys: string[]; unexpectedKeys: string[] }): void {
  const list = (keys: string[]) => `${keys.slice(0, 6).join(', ')}${keys.length > 6 ? `, … (${keys.length} in all)` : ''}`;
  if (report.unexpectedKeys.length)
    process.stderr.write(`videomae: some weights of ${dir} were not used (e.g. a pre-training decoder): ${list(report.unexpectedKeys)}\n`);
  if (report.missingKeys.length)
    process.stderr.write(
      `videomae: some weights were not in ${dir} and are newly initialised; train them on this task: ${list(report.missingKeys)}\n`,
    );
}

async function buildModel(
  options: TrainCliOptions,
  labels: string[],
  args: Partial<TrainingArgumentsInput>,
): Promise<{ model: TrainableVideoMAE; preprocessor: Record<string, unknown> }> {
  const device = args.device ?? 'cpu';
  const dtype = args.bf16 ? ('bfloat16' as const) : ('float32' as const);
  const id2label = Object.fromEntries(labels.map((l, i) => [String(i), l]));
  if (options.model) {
    const model = await loadPretrained(options.model, { device, dtype, id2label, numLabels: labels.length, ignoreMismatchedSizes: true });
    reportLoad(options.model, model.model.loadReport);
    const preprocessor =
      readJsonIfExists(path.join(options.model, 'preprocessor_config.json')) ?? presetConfig('base', labels).preprocessor;
    return { model, preprocessor };
  }
  const { config, preprocessor } = presetConfig(options.config ?? 'small', labels);
  return { model: await modelFromConfig(config, { seed: args.seed ?? 42, device, dtype }), preprocessor };
}

export async function runTrain(cliOptions: TrainCliOptions): Promise<number> {
  // `--nproc-per-node N`: this process becomes the launcher of N workers running this same command.
  if (wantsLauncher(cliOptions)) return launchFromCli(cliOptions);
  if (cliOptions.model && cliOptions.config)
    throw invalidArg('--model/--config', 'one of --model DIR or --config NAME, not both', `${cliOptions.model} and ${cliOptions.config}`);
  // --data may also be an archive or an hf:// URL: downloaded/extracted once into the caches.
  const options = { ...cliOptions, data: await resolveDatasetSource(cliOptions.data) };
  if (!splitExists(options.data, 'train'))
    throw new VideomaeError(`${options.data} has no train/ folder (expected <data>/train/<Class>/<video>)`, 'ERR_VIDEOMAE_DATASET');
  const argsInput = { ...trainingArgumentsFromOptions(options, CLI_DEFAULTS), outputDir: options.output } as TrainingArgumentsInput;
  if (options.resume !== undefined) argsInput.resumeFromCheckpoint = options.resume;
  const train = await loadFolderSplit(options.data, 'train');
  const val = splitExists(options.data, 'val') ? await loadFolderSplit(options.data, 'val', train.labels) : null;
  if (!val) withoutEvaluation(argsInput);
  // A worker of a data-parallel run (WORLD_SIZE > 1 in the environment) joins its group here, and trains on its own GPU.
  const group = await joinForTraining(argsInput);
  const { model, preprocessor } = await buildModel(options, train.labels, argsInput);
  const main = group === null || group.isMainProcess;
  const say = (line: string): void => {
    if (main) process.stderr.write(line);
  };
  const numFrames = Number(model.config.num_frames ?? 16);
  // The guide's clip length (num_frames × 4 / 30 s) unless --clip-fps says otherwise; `evaluate` reads the same flag.
  const clipTiming = parseClipFps(options.clipFps);
  const createLoader = (
    dataset: unknown,
    o: { train: boolean; batchSize: number; seed: number; workers: number; dropLast: boolean },
  ): BatchSource =>
    createVideoLoader(dataset as LabelledDataset, { ...o, numFrames, preprocessor, flip: options.flip !== false, ...clipTiming });
  const trainer = new Trainer({
    model,
    args: argsInput,
    trainDataset: train,
    evalDataset: val ?? undefined,
    computeMetrics: classificationMetrics(),
    preprocessorConfig: preprocessor,
    createLoader,
    callbacks: options.earlyStopping ? [new EarlyStoppingCallback(options.earlyStopping)] : [],
    processGroup: group,
  });
  try {
    const result = await trainer.train();
    if (result.interrupted) {
      say(`videomae: training stopped at step ${result.globalStep}; resume with --resume ${result.checkpoint ?? ''}\n`);
      return exitCodeFor(result.interrupted === 'stop' ? null : result.interrupted);
    }
    if (options.test !== false && splitExists(options.data, 'test')) {
      const test = await loadFolderSplit(options.data, 'test', train.labels);
      // Every rank evaluates its share of the test split; the metrics are over all of it.
      const metrics = await trainer.evaluate(test, { metricKeyPrefix: 'test' });
      if (main) fs.writeFileSync(path.join(trainer.args.outputDir, 'test_results.json'), `${stringifySorted(metrics)}\n`);
      trainer.writeReport();
      say(`videomae: test accuracy ${(metrics.test_accuracy * 100).toFixed(2)} % on ${test.videos.length} videos\n`);
    }
    say(`videomae: model saved to ${trainer.args.outputDir} (report.html, trainer_state.json)\n`);
    // As the HF guide ends: trainer.push_to_hub() once the model and its results are final.
    if (trainer.args.pushToHub && main) return await pushAfterTraining(trainer, { model: options.model });
    return 0;
  } finally {
    await trainer.close();
    model.dispose?.();
    group?.destroy();
  }
}

export function registerTrainCommand(program: Command): void {
  const command = program
    .command('train')
    .description('fine-tune a VideoMAE classifier on a folder of videos (<data>/{train,val,test}/<Class>/<video>), HF Trainer style')
    .requiredOption(
      '--data <dir|archive|hf://…>',
      'dataset root with train/ (and val/, test/) class folders; or a .tar/.tar.gz/.zip of one, or hf://datasets/<owner>/<name>/<archive>',
    )
    .option('--model <dir>', 'start from a pretrained model folder (config.json + model.safetensors)')
    .option(
      '--config <name>',
      `train from scratch with a built-in shape: ${Object.entries(MODEL_PRESETS)
        .map(([k, p]) => `${k} (${p.description})`)
        .join('; ')}`,
    )
    .requiredOption('--output <dir>', 'output folder (checkpoints, final model, report.html)')
    .option('--resume [checkpoint]', 'resume from a checkpoint folder, or from the newest in --output')
    .option('--early-stopping <patience>', 'stop after this many evaluations without improvement', (v) => Number(v))
    .option('--no-test', 'skip the final evaluation on the test split')
    .option('--no-flip', 'no random horizontal flip in training (classes that differ by direction, e.g. MoveLeft/MoveRight)')
    .option(
      '--clip-fps <fps|video>',
      'clip length = num_frames × 4 / fps seconds: the HF guide fixes fps at 30 (default); "video": each video\'s own fps',
    );
  registerLauncherOptions(command);
  addTrainingArgumentOptions(command, CLI_DEFAULTS);
  command.action(async (options: TrainCliOptions) => {
    const code = await runTrain(options);
    if (code !== 0) process.exitCode = code;
  });
}
