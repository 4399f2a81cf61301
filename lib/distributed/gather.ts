/**
 * Evaluation across ranks: each rank predicts its unpadded shard (lib/distributed/shard.ts), then
 * every rank receives all rows back in the eval set's own order, so metrics (and eval_loss) are
 * those of the whole set, computed identically everywhere — what HF's gather_for_metrics does,
 * without its padded duplicates.
 */
import type { ProcessGroup } from './process-group';

/** What one rank's evaluation loop collected. */
export interface LocalPredictions {
  logits: Float32Array;
  labels: Int32Array;
  /** null when some batch had no video ids. */
  videoIds: Int32Array | null;
  numLabels: number;
  lossSum: number;
  lossCount: number;
  numBatches: number;
}

async function gatherPadded<T extends Float32Array | Int32Array>(
  group: ProcessGroup,
  local: T,
  length: number,
  make: (n: number) => T,
): Promise<T[]> {
  const padded = make(length);
  padded.set(local.subarray(0, Math.min(local.length, length)));
  const parts = await group.allGather({ data: padded, shape: [length] });
  return parts.map((part) => {
    const copy = make(length);
    copy.set(part.toTypedArray() as T);
    part.dispose();
    return copy;
  });
}

/** All ranks' rows, interleaved back into the order the shards were dealt from (row k of rank r was row r + W·k). */
export async function gatherEvaluation(group: ProcessGroup, local: LocalPredictions): Promise<LocalPredictions> {
  const rows = local.labels.length;
  const header = await group.allGather({
    data: Float64Array.from([rows, local.numLabels, local.videoIds ? 1 : 0, local.lossSum, local.lossCount, local.numBatches]),
    shape: [6],
  });
  const ranks = header.map((h) => {
    const v = Array.from(h.toTypedArray() as Float64Array);
    h.dispose();
    return { rows: v[0]!, numLabels: v[1]!, hasVideoIds: v[2] === 1, lossSum: v[3]!, lossCount: v[4]!, numBatches: v[5]! };
  });
  const maxRows = Math.max(1, ...ranks.map((r) => r.rows));
  const numLabels = Math.max(...ranks.map((r) => r.numLabels));
  const hasVideoIds = ranks.every((r) => r.hasVideoIds || r.rows === 0);
  const logits = await gatherPadded(group, local.logits, maxRows * numLabels, (n) => new Float32Array(n));
  const labels = await gatherPadded(group, local.labels, maxRows, (n) => new Int32Array(n));
  const videoIds = await gatherPadded(group, local.videoIds ?? new Int32Array(0), maxRows, (n) => new Int32Array(n));

  const total = ranks.reduce((n, r) => n + r.rows, 0);
  const out: LocalPredictions = {
    logits: new Float32Array(total * numLabels),
    labels: new Int32Array(total),
    videoIds: hasVideoIds && total > 0 ? new Int32Array(total) : null,
    numLabels,
    lossSum: ranks.reduce((s, r) => s + r.lossSum, 0),
    lossCount: ranks.reduce((s, r) => s + r.lossCount, 0),
    numBatches: ranks.reduce((s, r) => s + r.numBatches, 0),
  };
  let next = 0;
  for (let k = 0; k < maxRows; k++) {
    for (let r = 0; r < ranks.length; r++) {
      if (k >= ranks[r]!.rows) continue;
      out.logits.set(logits[r]!.subarray(k * numLabels, (k + 1) * numLabels), next * numLabels);
      out.labels[next] = labels[r]![k]!;
      if (out.videoIds) out.videoIds[next] = videoIds[r]![k]!;
      next++;
    }
  }
  return out;
}
