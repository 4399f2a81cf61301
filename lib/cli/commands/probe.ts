import type { Command } from 'commander';
import { VideoReader } from '../../decoder';

export function registerProbeCommand(program: Command): void {
  program
    .command('probe <file>')
    .description('print the metadata of a video (exact frame count from a packet index)')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const reader = await VideoReader.open(file);
      try {
        const m = reader.metadata;
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ file, ...m }, null, 2)}\n`);
          return;
        }
        const lines = [
          `${file}`,
          `  video stream ${m.streamIndex}: ${m.codec}, ${m.pixelFormat}, ${m.width}x${m.height}${m.rotation ? `, rotation ${m.rotation}°` : ''}`,
          `  ${m.numFrames} frames, ${m.fps.toFixed(3)} fps, ${m.durationSeconds.toFixed(3)} s, ${Math.round(m.bitRate / 1000)} kb/s`,
          `  audio: ${m.hasAudio ? 'yes' : 'no'}`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        reader.close();
      }
    });
}
