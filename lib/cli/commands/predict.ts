/**
 * `videomae predict <video…> --model DIR`: top-k labels for each video, as text or JSON
 * (`[{ file, predictions: [{ label, score }] }]`). Files are checked before the model loads, so a
 * typo fails in a second with a one-line error.
 */
import { InvalidArgumentError, type Command } from 'commander';
import * as fs from 'node:fs';
import { VideomaeError } from '../../errors';
import type { Device } from '../../model';
import { pipeline } from '../../pipeline';
import type { Prediction } from '../../pipeline/postprocess';

interface PredictOptions {
  model: string;
  topK: number;
  json?: boolean;
  device: Device;
  sampling: 'uniform' | 'hf';
  clips: number;
  crops: number;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function sampling(value: string): 'uniform' | 'hf' {
  if (value !== 'uniform' && value !== 'hf') throw new InvalidArgumentError('expected "uniform" or "hf"');
  return value;
}

function checkFiles(videos: string[]): void {
  for (const file of videos) {
    if (!fs.existsSync(file)) throw new VideomaeError(`${file}: no such file`, 'ERR_VIDEOMAE_IO');
    if (!fs.statSync(file).isFile()) throw new VideomaeError(`${file}: not a file`, 'ERR_VIDEOMAE_IO');
  }
}

function formatText(file: string, predictions: Prediction[]): string {
  return [file, ...predictions.map((p) => `  ${p.score.toFixed(4)}  ${p.label}`)].join('\n');
}

async function predict(videos: string[], options: PredictOptions): Promise<void> {
  checkFiles(videos);
  const classifier = await pipeline('video-classification', { model: options.model, device: options.device });
  try {
    const warnings: string[] = [];
    const results = await classifier(videos, {
      topK: options.topK,
      sampling: options.sampling,
      clips: options.clips,
      crops: options.crops,
      onWarning: (message) => warnings.push(message),
    });
    for (const warning of warnings) process.stderr.write(`videomae: warning: ${warning}\n`);
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify(
          videos.map((file, i) => ({ file, predictions: results[i] })),
          null,
          2,
        )}\n`,
      );
    } else {
      process.stdout.write(`${videos.map((file, i) => formatText(file, results[i])).join('\n\n')}\n`);
    }
  } finally {
    classifier.dispose();
  }
}

export function registerPredictCommand(program: Command): void {
  program
    .command('predict')
    .description('classify videos with a VideoMAE checkpoint (a folder, or a hub id found in the Hugging Face cache)')
    .argument('<video...>', 'video files')
    .requiredOption('-m, --model <dir>', 'model folder (config.json + weights) or hub id "org/name"')
    .option('-k, --top-k <k>', 'labels to print per video', positiveInt, 5)
    .option('--json', 'print JSON: [{ file, predictions: [{ label, score }] }]')
    .option('--device <device>', 'cpu or cuda[:n]', 'cpu')
    .option('--sampling <rule>', 'uniform (whole video) or hf (HF pipeline: first num_frames frames)', sampling, 'uniform')
    .option('--clips <n>', 'temporal views averaged (VideoMAE multi-view testing)', positiveInt, 1)
    .option('--crops <n>', 'spatial views averaged (3 = left/centre/right)', positiveInt, 1)
    .action((videos: string[], options: PredictOptions) => predict(videos, options));
}
