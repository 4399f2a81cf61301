/**
 * `videomae evaluate --data DIR --model DIR [--split test] [--json]`: accuracy, top-5, per-class
 * precision / recall / F1 and the confusion matrix, per clip (uniform multi-clip sampling) and per
 * video (mean softmax over a video's clips).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import { classificationMetrics, evaluationReport, type ClassificationReport } from '../../metrics/evaluation-report';
import { createVideoLoader, loadFolderSplit, loadPretrained, type LabelledDataset } from '../../train/runtime';
import { classNamesOf, Trainer } from '../../train/trainer';
import { parseClipFps } from '../../train/cli-options';
import { resolveDatasetSource } from '../../hub/dataset-source';

interface EvaluateCliOptions {
  data: string;
  model: string;
  split: string;
  json?: boolean;
  batchSize: number;
  device: string;
  workers: number;
  clipFps?: string;
}

function formatReport(title: string, r: ClassificationReport, names: string[]): string {
  const width = Math.max(12, ...names.map((n) => n.length));
  const lines = [
    `${title}: accuracy ${(r.accuracy * 100).toFixed(2)} % (${r.numSamples})${Object.entries(r.topK)
      .map(([k, v]) => `, top-${k} ${(v * 100).toFixed(2)} %`)
      .join('')}`,
  ];
  lines.push(`${'class'.padEnd(width)}  precision  recall  f1      support`);
  names.forEach((n, c) => {
    lines.push(
      `${n.padEnd(width)}  ${r.perClass.precision[c].toFixed(4)}     ${r.perClass.recall[c].toFixed(4)}  ${r.perClass.f1[c].toFixed(4)}  ${r.perClass.support[c]}`,
    );
  });
  lines.push(
    `${'macro avg'.padEnd(width)}  ${r.macro.precision.toFixed(4)}     ${r.macro.recall.toFixed(4)}  ${r.macro.f1.toFixed(4)}  ${r.numSamples}`,
  );
  lines.push(
    `${'weighted avg'.padEnd(width)}  ${r.weighted.precision.toFixed(4)}     ${r.weighted.recall.toFixed(4)}  ${r.weighted.f1.toFixed(4)}  ${r.numSamples}`,
  );
  lines.push('confusion matrix (rows: true, columns: predicted):');
  for (const row of r.confusionMatrix) lines.push(`  ${row.map((v) => String(v).padStart(4)).join('')}`);
  return lines.join('\n');
}

export async function runEvaluate(options: EvaluateCliOptions): Promise<void> {
  const model = await loadPretrained(options.model, { device: options.device, dtype: 'float32' });
  try {
    const names = classNamesOf(model.config);
    const dataset = await loadFolderSplit(await resolveDatasetSource(options.data, { split: options.split }), options.split, names);
    const preprocessorFile = path.join(options.model, 'preprocessor_config.json');
    const preprocessor = fs.existsSync(preprocessorFile)
      ? (JSON.parse(fs.readFileSync(preprocessorFile, 'utf8')) as Record<string, unknown>)
      : {};
    const numFrames = Number(model.config.num_frames ?? 16);
    const trainer = new Trainer({
      model,
      args: {
        outputDir: fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-eval-')),
        perDeviceEvalBatchSize: options.batchSize,
        dataloaderNumWorkers: options.workers,
        disableTqdm: true,
      },
      computeMetrics: classificationMetrics(),
      createLoader: (d, o) => createVideoLoader(d as LabelledDataset, { ...o, numFrames, preprocessor, ...parseClipFps(options.clipFps) }),
      handleSignals: false,
      writeReport: false,
    });
    const output = await trainer.predict(dataset, { metricKeyPrefix: options.split });
    await trainer.close();
    fs.rmSync(trainer.args.outputDir, { recursive: true, force: true });
    const report = evaluationReport(output);
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ metrics: output.metrics, classes: names, clip: report.clip, video: report.video }, null, 2)}\n`,
      );
      return;
    }
    const parts = [formatReport(`${options.split} per clip`, report.clip, names)];
    if (report.video) parts.push(formatReport(`${options.split} per video`, report.video, names));
    process.stdout.write(`${parts.join('\n\n')}\n`);
  } finally {
    model.dispose?.();
  }
}

export function registerEvaluateCommand(program: Command): void {
  program
    .command('evaluate')
    .description('evaluate a fine-tuned model on a split of a video folder: accuracy, per-class metrics, confusion matrix')
    .requiredOption(
      '--data <dir|archive|hf://…>',
      'dataset root with <split>/<Class>/<video> (or an archive / hf:// URL of one, as for train)',
    )
    .requiredOption('--model <dir>', 'model folder (config.json + model.safetensors)')
    .option('--split <name>', 'split folder to evaluate', 'test')
    .option('--json', 'print JSON')
    .option('--batch-size <n>', 'evaluation batch size', (v) => Number(v), 8)
    .option('--device <device>', 'cpu or cuda', 'cpu')
    .option('--workers <n>', 'data loader workers', (v) => Number(v), 0)
    .option('--clip-fps <fps|video>', 'clip length = num_frames × 4 / fps seconds, as for train (default 30, the HF guide)')
    .action(async (options: EvaluateCliOptions) => runEvaluate(options));
}
