/** A saved model's parameters, and how far two sets of them are apart (the DDP and pre-training tests compare runs this way). */
import * as path from 'node:path';
import { readSafetensors } from '../../lib/model';

export async function weights(dir: string): Promise<Record<string, Float32Array>> {
  const tensors = await readSafetensors(path.join(dir, 'model.safetensors'));
  return Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, t.data as Float32Array]));
}

/** The largest |a − b| over every parameter; the two sets must hold the same names. */
export function maxAbsDiff(a: Record<string, Float32Array>, b: Record<string, Float32Array>): number {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  let max = 0;
  for (const key of Object.keys(a)) for (let i = 0; i < a[key]!.length; i++) max = Math.max(max, Math.abs(a[key]![i]! - b[key]![i]!));
  return max;
}
