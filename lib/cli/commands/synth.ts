import type { Command } from 'commander';
import { synthesizeDataset, type SynthCodec } from '../../data/synth';

function int(value: string): number {
  return Number(value);
}

export function registerSynthCommand(program: Command): void {
  program
    .command('synth')
    .description('write a synthetic UCF101-layout action dataset (classes differ only in motion) of encoded videos')
    .requiredOption('--output <dir>', 'folder to write (train/val/test/<Class>/<video>)')
    .option('--classes <n>', 'number of motion classes (2-12)', int, 10)
    .option(
      '--motions <names>',
      'comma-separated motion classes to use instead of the first --classes (e.g. MoveRight,MoveLeft,Grow)',
      (v: string) => v.split(',').map((m) => m.trim()),
    )
    .option('--train <k>', 'training videos per class', int, 24)
    .option('--val <k>', 'validation videos per class', int, 6)
    .option('--test <k>', 'test videos per class', int, 8)
    .option('--seed <s>', 'random seed', int, 0)
    .option('--width <px>', 'frame width (even)', int, 112)
    .option('--height <px>', 'frame height (even)', int, 112)
    .option('--fps <n>', 'frames per second', int, 25)
    .option('--seconds <s>', 'video length in seconds', Number, 2.8)
    .option('--codec <codec>', 'mpeg4 (.avi), h264 (.mp4) or mixed', 'mixed')
    .option('--force', 'overwrite existing split folders')
    .option('--json', 'print a JSON summary')
    .action(
      async (options: {
        output: string;
        classes: number;
        motions?: string[];
        train: number;
        val: number;
        test: number;
        seed: number;
        width: number;
        height: number;
        fps: number;
        seconds: number;
        codec: SynthCodec;
        force?: boolean;
        json?: boolean;
      }) => {
        const started = Date.now();
        const result = await synthesizeDataset({ ...options, force: options.force ?? false });
        const seconds = (Date.now() - started) / 1000;
        if (options.json) {
          process.stdout.write(
            `${JSON.stringify({ root: result.root, classes: result.classes, videos: result.videos, seconds }, null, 2)}\n`,
          );
          return;
        }
        process.stdout.write(
          `wrote ${result.files.length} videos to ${result.root} in ${seconds.toFixed(1)} s\n` +
            `classes (${result.classes.length}): ${result.classes.join(', ')}\n` +
            `per split: train ${result.videos.train}, val ${result.videos.val}, test ${result.videos.test}\n`,
        );
      },
    );
}
