/**
 * bench/cpu-paths: the per-op evidence for the kernel paths chosen for this CPU at run time
 * (native/core/model/cpu_gemm.h; `videomae info` prints the plan). bench/cpu-paths/probe.py times
 * VideoMAE-base's dense-layer products in every library on the addon's own torch build, the ops both
 * stacks share, and AdamW; the rows put the path the addon chose beside the one transformers runs
 * (MKL's sgemm for float32, libtorch's addmm for bf16, torch.optim.AdamW's default), so that each
 * choice is measured, not assumed, on whatever CPU this is. Needs the reference Python environment.
 *   node dist/bench/cpu-paths/index.js [--reps 10]
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { info } from '../../lib/info';
import { packageRoot } from '../../lib/native/binding';
import type { BenchReport, BenchRow } from '../common/report';

interface ProbeResult {
  torch: string;
  cpuCapability: string;
  onednnBf16: boolean;
  gemms: Array<{ shape: string; gflops: Record<string, number> }>;
  shared: { ms: Record<string, number>; gflops: Record<string, number> };
  optimizer: { ms: Record<string, number> };
}

/** The probe's case names for the product the addon runs under its plan. */
function chosenCases(gemm: ReturnType<typeof info>['cpu']['gemm']): { forward: string; gradInput: string; bf16: string } {
  const onednnForward = gemm.packedWeights ? 'fp32 forward onednn packed' : 'fp32 forward onednn';
  const bf16 = { onednn: 'bf16 forward onednn packed', float32: 'bf16 forward as fp32', blas: 'bf16 forward libtorch' }[gemm.bfloat16];
  return gemm.float32 === 'onednn'
    ? { forward: onednnForward, gradInput: 'fp32 grad input onednn', bf16 }
    : { forward: 'fp32 forward mkl', gradInput: 'fp32 grad input mkl', bf16 };
}

export function cpuPathRows(probe: ProbeResult, gemm: ReturnType<typeof info>['cpu']['gemm']): BenchRow[] {
  const chosen = chosenCases(gemm);
  const rows: BenchRow[] = [];
  const gflops = (what: string, ours: number, peers: Record<string, number | undefined>): BenchRow => ({
    case: what,
    unit: 'GFLOP/s',
    higherIsBetter: true,
    ours,
    peers: Object.fromEntries(Object.entries(peers).map(([name, value]) => [name, value ?? null])),
  });
  for (const g of probe.gemms) {
    const f = g.gflops;
    // Each row also shows the library not chosen for this CPU: the choice is the measured better one.
    rows.push(
      gflops(`${g.shape} product, fp32 forward (${chosen.forward})`, f[chosen.forward], {
        'transformers (MKL sgemm)': f['fp32 forward mkl'],
        'oneDNN, packed': f['fp32 forward onednn packed'],
      }),
    );
    rows.push(
      gflops(`${g.shape} product, fp32 input gradient (${chosen.gradInput})`, f[chosen.gradInput], {
        'transformers (MKL sgemm)': f['fp32 grad input mkl'],
        oneDNN: f['fp32 grad input onednn'],
      }),
    );
    if (f[chosen.bf16] !== undefined)
      rows.push(
        gflops(`${g.shape} product, bf16 forward (${chosen.bf16})`, f[chosen.bf16], {
          'transformers (libtorch bf16 addmm)': f['bf16 forward libtorch'],
          'oneDNN bf16': f['bf16 forward onednn packed'],
        }),
      );
  }
  rows.push({
    case: 'attention fwd+bwd (libtorch SDPA in both stacks), 12 heads x 1568 x 64',
    unit: 'GFLOP/s',
    higherIsBetter: true,
    ours: probe.shared.gflops['sdpa fwd+bwd'],
    peers: { transformers: probe.shared.gflops['sdpa fwd+bwd'] },
  });
  const adam = probe.optimizer.ms;
  rows.push({
    case: 'AdamW step over 86M parameters (fused vs torch.optim.AdamW default)',
    unit: 'ms',
    higherIsBetter: false,
    ours: adam['adamw fused (videomae)'],
    peers: { transformers: adam['adamw default (transformers)'] },
  });
  return rows;
}

export function runCpuPathsBench(options: { python: string; reps?: number }): BenchReport & { raw: unknown } {
  const script = path.join(packageRoot(), 'bench', 'cpu-paths', 'probe.py');
  const out = execFileSync(options.python, [script, '--reps', String(options.reps ?? 10)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const probe = JSON.parse(out) as ProbeResult;
  const { cpu } = info();
  const shared = Object.entries(probe.shared.ms).map(([k, ms]) => `${k} ${ms.toFixed(1)} ms`);
  return {
    name: 'cpu-paths',
    rows: cpuPathRows(probe, cpu.gemm),
    notes: [
      `CPU features ${cpu.features.join(' ')}; torch capability ${probe.cpuCapability}; oneDNN bf16 kernels ${probe.onednnBf16 ? 'yes' : 'no'}`,
      `plan: float32 ${cpu.gemm.float32}, bfloat16 ${cpu.gemm.bfloat16}${cpu.gemm.packedWeights ? ', packed eval weights' : ''} (${cpu.gemm.reason})`,
      `ops both stacks run through the same libtorch kernels: ${shared.join(', ')}`,
    ],
    raw: { probe, plan: cpu.gemm, features: cpu.features },
  };
}

if (require.main === module) {
  const python = execFileSync('bash', [path.join(packageRoot(), 'scripts', 'python-env.sh')], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop()!;
  const repsIndex = process.argv.indexOf('--reps');
  const result = runCpuPathsBench({ python, reps: repsIndex >= 0 ? Number(process.argv[repsIndex + 1]) : undefined });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
