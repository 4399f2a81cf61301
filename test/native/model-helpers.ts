/** Shared helpers of the model tests: fixture paths and tolerance checks. */
import * as path from 'node:path';
import type { TensorData, TypedArrayLike } from '../../lib/native/tensor';
import { repoRoot } from '../helpers/run-node';

export { repoRoot };
/**
 * The tiny golden HF checkpoint the repository carries (tools/golden/make_tiny_fixture.py made it
 * with transformers' own code). VIDEOMAE_TINY_FIXTURE points the same tests at another copy of
 * that layout: .ci/run cross-checks against ../shared/fixtures/videomae-tiny when it exists.
 */
export const tinyFixture = path.resolve(process.env.VIDEOMAE_TINY_FIXTURE ?? path.join(repoRoot, 'test', 'fixtures', 'videomae-tiny'));

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

export function maxAbs(a: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]));
  return max;
}

/** torch.allclose semantics: |a - b| <= atol + rtol·|b| everywhere. */
export function expectClose(actual: TensorData<Float32Array>, expected: TensorData<TypedArrayLike>, atol: number, rtol = 0): void {
  expect(actual.shape).toEqual(expected.shape);
  const e = expected.data as Float32Array;
  let worst = 0;
  for (let i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(actual.data[i] - e[i]) - rtol * Math.abs(e[i]));
  expect(worst).toBeLessThanOrEqual(atol);
}

/** The gradient criterion: max|Δ| <= 1e-3 · max|ref|. */
export function expectGradClose(actual: TensorData<Float32Array> | null, expected: TensorData<TypedArrayLike>): void {
  expect(actual).not.toBeNull();
  expect(actual!.shape).toEqual(expected.shape);
  expect(maxAbsDiff(actual!.data, expected.data as Float32Array)).toBeLessThanOrEqual(1e-3 * maxAbs(expected.data as Float32Array));
}
