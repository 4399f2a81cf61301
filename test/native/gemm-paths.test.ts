/**
 * The dense layers' GEMM library is chosen per CPU at run time (native/core/model/cpu_gemm.h), and
 * VIDEOMAE_GEMM / VIDEOMAE_GEMM_BF16 force each path for A/B runs. Every combination must run on
 * whatever CPU this is (a bf16 oneDNN kernel the CPU lacks falls back instead of failing) and give
 * the same model: float32 logits and losses equal across libraries to float32 rounding, bf16 ones
 * within bf16's rounding of the float32 values. Each combination is its own process (test/native/child/gemm-paths.js).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, runNode } from '../helpers/run-node';
import { maxAbs, maxAbsDiff } from './model-helpers';

jest.setTimeout(120_000);

interface Run {
  gemm: { float32: string; bfloat16: string; packedWeights: boolean; reason: string };
  fp32: { logits: number[]; steps: Array<{ loss: number; gradNorm: number }> };
  bf16: { logits: number[]; steps: Array<{ loss: number; gradNorm: number }> };
  error?: { code: string; message: string };
}

const combinations: Array<[string, string]> = [
  ['auto', 'auto'],
  ['onednn', 'onednn'],
  ['onednn', 'float32'],
  ['blas', 'float32'],
  ['blas', 'blas'],
];
const runs = new Map<string, Run>();

beforeAll(() => {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'lib', 'info.js')))
    throw new Error('dist/ is missing: run `npm run build:ts` (npm test does)');
  for (const [fp32, bf16] of combinations) {
    const run = runNode([path.join(__dirname, 'child', 'gemm-paths.js')], {
      env: { VIDEOMAE_GEMM: fp32, VIDEOMAE_GEMM_BF16: bf16 },
      timeoutMs: 60_000,
    });
    expect(run.signal).toBeNull(); // no SIGILL, no abort
    expect(run.status).toBe(0);
    runs.set(`${fp32}/${bf16}`, JSON.parse(run.stdout) as Run);
  }
});

test('every forced combination runs here and reports the library it used', () => {
  const auto = runs.get('auto/auto')!;
  for (const [fp32, bf16] of combinations) {
    const run = runs.get(`${fp32}/${bf16}`)!;
    expect(run.error).toBeUndefined();
    if (fp32 !== 'auto') expect(run.gemm.float32).toBe(fp32);
    // oneDNN bf16 is taken only where the CPU has the kernels (auto would then choose it too).
    if (bf16 === 'onednn') expect(run.gemm.bfloat16).toBe(auto.gemm.bfloat16 === 'onednn' ? 'onednn' : 'float32');
    else if (bf16 !== 'auto') expect(run.gemm.bfloat16).toBe(bf16);
    expect(run.gemm.packedWeights).toBe(run.gemm.float32 === 'onednn' || run.gemm.bfloat16 === 'onednn');
  }
});

test('float32 logits, losses and gradient norms agree across GEMM libraries', () => {
  const reference = runs.get('blas/blas')!.fp32;
  for (const run of runs.values()) {
    expect(maxAbsDiff(run.fp32.logits, reference.logits)).toBeLessThan(1e-5);
    run.fp32.steps.forEach((step, s) => {
      expect(Math.abs(step.loss - reference.steps[s].loss)).toBeLessThan(1e-5);
      expect(Math.abs(step.gradNorm - reference.steps[s].gradNorm)).toBeLessThan(1e-4 * reference.steps[s].gradNorm);
    });
  }
});

test('bf16 results stay within bf16 rounding of float32 on every path', () => {
  for (const run of runs.values()) {
    const scale = Math.max(1, maxAbs(run.fp32.logits));
    expect(maxAbsDiff(run.bf16.logits, run.fp32.logits)).toBeLessThan(2e-2 * scale);
    expect(maxAbsDiff(run.bf16.logits, run.fp32.logits)).toBeGreaterThan(0); // bf16 really ran
    run.bf16.steps.forEach((step, s) => {
      expect(Math.abs(step.loss - run.fp32.steps[s].loss)).toBeLessThan(2e-2 * Math.max(1, run.fp32.steps[s].loss));
      expect(Math.abs(step.gradNorm - run.fp32.steps[s].gradNorm)).toBeLessThan(5e-2 * run.fp32.steps[s].gradNorm);
    });
  }
});
