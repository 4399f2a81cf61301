/**
 * bench/label-efficiency: does VideoMAE pre-training make the classifier need fewer labels? On the
 * synthetic motion dataset (`videomae synth`), per seed: pre-train the `small` shape on every train
 * video without labels (`videomae pretrain`), then fine-tune on only --shots labelled videos per
 * class (`videomae train --model <pre-trained>`), and the same fine-tune from the same architecture
 * randomly initialised (a VideoMAEForPreTraining saved untrained: same shape, pooling and budget).
 * Test accuracy of both over the test split, each seed; real CLI child processes.
 *   node dist/bench/label-efficiency/index.js [--seeds 1,2,3] [--classes 5] [--shots 5] [--pretrain-epochs 30] [--finetune-epochs 40]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseConfig } from '../../lib/model/config';
import { VideoMAEForPreTraining } from '../../lib/model/pretraining';
import { packageRoot } from '../../lib/native/binding';
import { preTrainingPresetConfig } from '../../lib/train/model-presets';

export interface LabelEfficiencyOptions {
  seeds?: number[];
  classes?: number;
  trainPerClass?: number;
  shots?: number;
  pretrainEpochs?: number;
  finetuneEpochs?: number;
  work?: string;
}

function cli(args: string[]): void {
  const run = spawnSync(process.execPath, [path.join(packageRoot(), 'bin', 'videomae.js'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (run.status !== 0)
    throw new Error(`videomae ${args.slice(0, 2).join(' ')} failed (${String(run.status)}): ${run.stderr.trim().split('\n').pop() ?? ''}`);
}

/** root/train keeps the first `shots` videos of each class (symlinks); val and test are linked whole. */
function fewShotCopy(data: string, out: string, shots: number): void {
  for (const split of ['val', 'test']) {
    fs.mkdirSync(out, { recursive: true });
    fs.symlinkSync(path.join(data, split), path.join(out, split));
  }
  for (const cls of fs.readdirSync(path.join(data, 'train')).sort()) {
    const files = fs
      .readdirSync(path.join(data, 'train', cls))
      .sort()
      .slice(0, shots);
    fs.mkdirSync(path.join(out, 'train', cls), { recursive: true });
    for (const f of files) fs.symlinkSync(path.join(data, 'train', cls, f), path.join(out, 'train', cls, f));
  }
}

const testAccuracy = (dir: string): number =>
  (JSON.parse(fs.readFileSync(path.join(dir, 'test_results.json'), 'utf8')) as { test_accuracy: number }).test_accuracy;

export async function runLabelEfficiency(input: LabelEfficiencyOptions = {}) {
  const o = { seeds: [1, 2, 3], classes: 5, trainPerClass: 24, shots: 5, pretrainEpochs: 30, finetuneEpochs: 40, ...input };
  const work = o.work ?? fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-label-efficiency-'));
  const data = path.join(work, 'data');
  const started = Date.now();
  cli([
    'synth',
    '--output',
    data,
    '--classes',
    String(o.classes),
    '--train',
    String(o.trainPerClass),
    '--val',
    '4',
    '--test',
    '8',
    '--seed',
    '11',
    '--codec',
    'mpeg4',
  ]);
  const few = path.join(work, `data-${o.shots}-shot`);
  fewShotCopy(data, few, o.shots);
  const finetune = (model: string, out: string, seed: number) =>
    cli([
      'train',
      '--data',
      few,
      '--model',
      model,
      '--output',
      out,
      '--num-train-epochs',
      String(o.finetuneEpochs),
      '--learning-rate',
      '1e-3',
      '--per-device-train-batch-size',
      '5',
      '--seed',
      String(seed),
      '--no-flip',
      '--disable-tqdm',
      '--save-strategy',
      'no',
      '--eval-strategy',
      'no',
      '--no-load-best-model-at-end',
    ]);
  const rows: Array<{ seed: number; scratch: number; pretrained: number; pretrainLoss: number | null }> = [];
  for (const seed of o.seeds) {
    const pre = path.join(work, `pretrained-${seed}`);
    cli([
      'pretrain',
      '--data',
      path.join(data, 'train'),
      '--eval-data',
      path.join(data, 'val'),
      '--config',
      'small',
      '--output',
      pre,
      '--num-train-epochs',
      String(o.pretrainEpochs),
      '--per-device-train-batch-size',
      '8',
      '--learning-rate',
      '1e-3',
      '--seed',
      String(seed),
      '--disable-tqdm',
      '--figures',
      '2',
    ]);
    const state = JSON.parse(fs.readFileSync(path.join(pre, 'trainer_state.json'), 'utf8')) as {
      log_history: Array<Record<string, number>>;
    };
    const evalLosses = state.log_history.filter((e) => e.eval_loss !== undefined).map((e) => e.eval_loss!);
    // The same architecture, untrained: a pre-training model saved straight after HF's init with this seed.
    const scratchInit = path.join(work, `untrained-${seed}`);
    const untrained = await VideoMAEForPreTraining.fromConfig(parseConfig(preTrainingPresetConfig('small').config), {
      seed,
      device: 'cpu',
    });
    await untrained.savePretrained(scratchInit, { preprocessorConfig: preTrainingPresetConfig('small').preprocessor });
    untrained.dispose();
    finetune(pre, path.join(work, `finetuned-${seed}`), seed);
    finetune(scratchInit, path.join(work, `scratch-${seed}`), seed);
    rows.push({
      seed,
      scratch: testAccuracy(path.join(work, `scratch-${seed}`)),
      pretrained: testAccuracy(path.join(work, `finetuned-${seed}`)),
      pretrainLoss: evalLosses.length ? evalLosses[evalLosses.length - 1]! : null,
    });
    process.stderr.write(`[label-efficiency] seed ${seed}: ${JSON.stringify(rows[rows.length - 1])}\n`);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    name: 'label-efficiency',
    setup: { ...o, testVideos: 8 * o.classes, work },
    rows,
    meanScratch: mean(rows.map((r) => r.scratch)),
    meanPretrained: mean(rows.map((r) => r.pretrained)),
    seconds: (Date.now() - started) / 1000,
  };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const value = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const num = (flag: string) => (value(flag) !== undefined ? Number(value(flag)) : undefined);
  runLabelEfficiency({
    ...(value('--seeds') ? { seeds: value('--seeds')!.split(',').map(Number) } : {}),
    ...(num('--classes') !== undefined ? { classes: num('--classes')! } : {}),
    ...(num('--shots') !== undefined ? { shots: num('--shots')! } : {}),
    ...(num('--pretrain-epochs') !== undefined ? { pretrainEpochs: num('--pretrain-epochs')! } : {}),
    ...(num('--finetune-epochs') !== undefined ? { finetuneEpochs: num('--finetune-epochs')! } : {}),
  }).then(
    (result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`),
    (error: unknown) => {
      process.stderr.write(`bench/label-efficiency: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
