import type { Command } from 'commander';
import { info } from '../../info';

export function registerInfoCommand(program: Command): void {
  program
    .command('info')
    .description('print versions: package, Node-API, libtorch (and where it was found), CUDA, CPU threads, FFmpeg')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      const result = info();
      if (options.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const lines = [
        `videomae ${result.package.version} (Node ${result.node.version}, Node-API ${result.napiVersion})`,
        `libtorch ${result.libtorch.version} from ${result.libtorch.source}: ${result.libtorch.path}`,
        `CUDA: compiled ${result.cuda.compiled ? 'yes' : 'no'}, available ${result.cuda.available ? 'yes' : 'no'}, devices ${result.cuda.devices}`,
        `distributed training backends: ${result.distributed.backends.join(', ') || 'none (no gloo headers at build time)'}`,
        `CPU: ${result.cpu.model}, ${result.cpu.cores} cores, torch threads ${result.cpu.threads}, MKL ${result.libtorch.mkl ? 'yes' : 'no'}, oneDNN ${result.libtorch.mkldnn ? 'yes' : 'no'}`,
        `CPU features: ${result.cpu.features.join(' ') || 'none of AVX2/AVX-512/AMX'}`,
        `model GEMMs: float32 through ${result.cpu.gemm.float32}, bfloat16 through ${result.cpu.gemm.bfloat16}${result.cpu.gemm.packedWeights ? ' (packed eval weights)' : ''}: ${result.cpu.gemm.reason}`,
        `FFmpeg ${result.ffmpeg.version}: ${Object.entries(result.ffmpeg.libraries)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
        `addon: ${result.addon.path ?? 'unknown'} (${result.addon.origin ?? 'unknown'}; built for libtorch ${result.addon.manifest?.libtorch.version ?? 'unknown'})`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
