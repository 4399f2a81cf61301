import * as os from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import { runDemo } from '../../demo/run-demo';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'the main job end to end: synthesize a labelled video dataset, fine-tune VideoMAE, evaluate, report, classify a held-out video',
    )
    .option('--output <dir>', 'where to write the dataset, checkpoints, model and report', path.join(os.tmpdir(), 'videomae-demo'))
    .option('--model <dir>', 'fine-tune this HF VideoMAE checkpoint folder instead of training a small model from scratch')
    .option('--json', 'print the result as JSON')
    .action(async (options: { output: string; model?: string; json?: boolean }) => {
      const result = await runDemo({ output: options.output, model: options.model });
      if (options.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const lines = [
        '',
        `test accuracy: ${(result.testAccuracy * 100).toFixed(1)} %`,
        `held-out video: ${result.prediction.file} (true class ${result.prediction.trueLabel})`,
        ...result.prediction.predictions.map((p, i) => `  ${i + 1}. ${p.label.padEnd(24)} ${p.score.toFixed(4)}`),
        '',
        `dataset:  ${result.dataDir}`,
        `model:    ${result.modelDir}  (config.json + model.safetensors: loads in Python transformers too)`,
        `report:   ${result.reportPath}`,
        `time:     ${result.seconds.total.toFixed(0)} s (synthesize ${result.seconds.synth.toFixed(0)} s, train ${result.seconds.train.toFixed(0)} s, test ${result.seconds.test.toFixed(0)} s, classify ${result.seconds.predict.toFixed(1)} s)`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
