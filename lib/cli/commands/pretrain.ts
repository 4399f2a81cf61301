/**
 * `videomae pretrain --data DIR (--model DIR | --config tiny|small|base) --output DIR [--eval-data DIR]
 *  [--mask-ratio 0.9] [--no-norm-pix-loss] [...TrainingArguments]`: self-supervised VideoMAE
 * pre-training (masked autoencoding with tube masks) on every video under DIR, whatever its layout,
 * with the Trainer's schedule, checkpoints, resume, progress and report (loss curves and
 * reconstructions of a few clips). The saved folder is a transformers VideoMAEForPreTraining
 * checkpoint; `videomae train --model <output>` fine-tunes it (the decoder is dropped, a classifier added).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { invalidArg } from '../../errors';
import { UnlabelledVideoDataset } from '../../data/unlabelled-dataset';
import { joinForTraining } from '../../distributed/worker';
import { parseConfig } from '../../model/config';
import { addTrainingArgumentOptions, trainingArgumentsFromOptions, withoutEvaluation } from '../../train/cli-options';
import { MODEL_PRESETS, preTrainingPresetConfig } from '../../train/model-presets';
import { createPreTrainingLoader, loadPreTraining, preTrainingModelFromConfig } from '../../train/pretraining-runtime';
import { exitCodeFor } from '../../train/signals';
import { Trainer } from '../../train/trainer';
import type { TrainingArgumentsInput } from '../../train/training-args';
import type { BatchSource } from '../../train/interfaces';
import { resolveDatasetSource } from '../../hub/dataset-source';
import { launchFromCli, registerLauncherOptions, wantsLauncher, type LauncherCliOptions } from './train-launcher';
import { writePreTrainingFigures } from './pretrain-figures';

/**
 * VideoMAE's pre-training recipe where it differs from HF's TrainingArguments defaults (the
 * paper's AdamW betas (0.9, 0.95), weight decay 0.05, cosine schedule with warm-up, base lr
 * 1.5e-4), and saving/evaluating per epoch as the fine-tuning CLI does.
 */
export const PRETRAIN_DEFAULTS: Partial<TrainingArgumentsInput> = {
  learningRate: 1.5e-4,
  adamBeta2: 0.95,
  weightDecay: 0.05,
  lrSchedulerType: 'cosine',
  warmupSteps: 0.1,
  evalStrategy: 'epoch',
  saveStrategy: 'epoch',
  loggingSteps: 10,
  saveTotalLimit: 2,
};

interface PretrainCliOptions extends Record<string, unknown>, LauncherCliOptions {
  data: string;
  evalData?: string;
  model?: string;
  config?: string;
  output: string;
  resume?: string | boolean;
  maskRatio: number;
  normPixLoss?: boolean;
  figures: number;
}

async function buildModel(options: PretrainCliOptions, args: Partial<TrainingArgumentsInput>) {
  const device = args.device ?? 'cpu';
  const dtype = args.bf16 ? ('bfloat16' as const) : ('float32' as const);
  if (options.model) {
    const model = await loadPreTraining(options.model, { device, dtype, seed: args.seed ?? 42 });
    const report = model.model.loadReport;
    if (report.missingKeys.length)
      process.stderr.write(
        `videomae: ${report.missingKeys.length} weights of the pre-training model were not in ${options.model} and are newly initialised: ${report.missingKeys.slice(0, 4).join(', ')}${report.missingKeys.length > 4 ? ', …' : ''}\n`,
      );
    if (report.unexpectedKeys.length)
      process.stderr.write(`videomae: unused weights of ${options.model}: ${report.unexpectedKeys.slice(0, 4).join(', ')}\n`);
    const file = path.join(options.model, 'preprocessor_config.json');
    const preprocessor = fs.existsSync(file)
      ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>)
      : preTrainingPresetConfig('base').preprocessor;
    return { model, preprocessor };
  }
  const { config, preprocessor } = preTrainingPresetConfig(options.config ?? 'small');
  if (options.normPixLoss !== undefined) config.norm_pix_loss = options.normPixLoss;
  return { model: await preTrainingModelFromConfig(config, { seed: args.seed ?? 42, device, dtype }), preprocessor };
}

export async function runPretrain(cliOptions: PretrainCliOptions): Promise<number> {
  if (wantsLauncher(cliOptions)) return launchFromCli(cliOptions);
  if (cliOptions.model && cliOptions.config)
    throw invalidArg('--model/--config', 'one of --model DIR or --config NAME, not both', `${cliOptions.model} and ${cliOptions.config}`);
  if (!(cliOptions.maskRatio > 0 && cliOptions.maskRatio < 1)) throw invalidArg('--mask-ratio', 'a number in (0, 1)', cliOptions.maskRatio);
  const data = await resolveDatasetSource(cliOptions.data, { anyLayout: true });
  const train = await UnlabelledVideoDataset.load(data);
  const evalSet = cliOptions.evalData
    ? await UnlabelledVideoDataset.load(await resolveDatasetSource(cliOptions.evalData, { anyLayout: true }))
    : null;
  const argsInput = {
    ...trainingArgumentsFromOptions(cliOptions, PRETRAIN_DEFAULTS),
    outputDir: cliOptions.output,
  } as TrainingArgumentsInput;
  if (cliOptions.resume !== undefined) argsInput.resumeFromCheckpoint = cliOptions.resume;
  if (!evalSet) withoutEvaluation(argsInput);
  // A worker of a data-parallel run (WORLD_SIZE > 1 in the environment) joins its group here, and trains on its own GPU.
  const group = await joinForTraining(argsInput);
  const { model, preprocessor } = await buildModel(cliOptions, argsInput);
  if (cliOptions.model && cliOptions.normPixLoss !== undefined && model.model.config.normPixLoss !== cliOptions.normPixLoss)
    throw invalidArg(
      '--norm-pix-loss',
      `the checkpoint's norm_pix_loss (${model.model.config.normPixLoss}); change it in its config.json`,
      cliOptions.normPixLoss,
    );
  const main = group === null || group.isMainProcess;
  const config = parseConfig(model.config);
  const createLoader = (
    dataset: unknown,
    o: { train: boolean; batchSize: number; seed: number; workers: number; dropLast: boolean },
  ): BatchSource =>
    createPreTrainingLoader(dataset as UnlabelledVideoDataset, {
      ...o,
      numFrames: config.numFrames,
      preprocessor,
      config,
      maskRatio: cliOptions.maskRatio,
      // Pre-training learns from the pixels themselves: keep the guide's random crops and flips.
      flip: true,
    });
  const trainer = new Trainer({
    model,
    args: argsInput,
    trainDataset: train,
    evalDataset: evalSet ?? undefined,
    preprocessorConfig: preprocessor,
    createLoader,
    processGroup: group,
    writeReport: false,
  });
  try {
    const result = await trainer.train();
    if (result.interrupted) {
      if (main)
        process.stderr.write(
          `videomae: pre-training stopped at step ${result.globalStep}; resume with --resume ${result.checkpoint ?? ''}\n`,
        );
      return exitCodeFor(result.interrupted === 'stop' ? null : result.interrupted);
    }
    if (main) {
      const figures = await writePreTrainingFigures(model, evalSet ?? train, {
        count: cliOptions.figures,
        preprocessor,
        maskRatio: cliOptions.maskRatio,
        seed: trainer.args.seed,
        outputDir: trainer.args.outputDir,
      });
      trainer.writeReport(figures);
      process.stderr.write(
        `videomae: pre-trained model saved to ${trainer.args.outputDir} (report.html); fine-tune it with videomae train --model ${trainer.args.outputDir}\n`,
      );
    }
    return 0;
  } finally {
    await trainer.close();
    model.dispose();
    group?.destroy();
  }
}

export function registerPretrainCommand(program: Command): void {
  const command = program
    .command('pretrain')
    .description(
      'self-supervised VideoMAE pre-training (masked autoencoding with tube masks) on a folder of unlabelled videos, HF Trainer style',
    )
    .requiredOption(
      '--data <dir|archive|hf://…>',
      'videos to learn from: every video file under it, any layout (class folders are ignored)',
    )
    .option('--eval-data <dir>', 'held-out videos: reconstruction loss each epoch (eval_loss) and the report pictures')
    .option('--model <dir>', 'continue pre-training a VideoMAEForPreTraining folder (e.g. the MCG-NJU/videomae-base layout)')
    .option(
      '--config <name>',
      `pre-train from scratch with a built-in shape: ${Object.keys(MODEL_PRESETS).join(', ')} (decoder: half the width, a third of the depth)`,
    )
    .requiredOption('--output <dir>', 'output folder (checkpoints, the pre-trained model, report.html)')
    .option('--resume [checkpoint]', 'resume from a checkpoint folder, or from the newest in --output')
    .option('--mask-ratio <r>', 'share of each frame’s patches masked (tube masking)', (v) => Number(v), 0.9)
    .option('--norm-pix-loss', 'targets normalised per patch (default for --config)')
    .option('--no-norm-pix-loss', 'targets are plain pixels')
    .option('--figures <n>', 'clips shown as input / masked / reconstruction in report.html', (v) => Number(v), 4);
  registerLauncherOptions(command);
  addTrainingArgumentOptions(command, PRETRAIN_DEFAULTS);
  command.action(async (options: PretrainCliOptions) => {
    const code = await runPretrain(options);
    if (code !== 0) process.exitCode = code;
  });
}
