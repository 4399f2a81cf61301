/**
 * Sharding with torch's DistributedSampler semantics (lib/distributed/shard.ts) and the
 * evaluation gather that undoes it (lib/distributed/gather.ts), on an in-memory group of ranks.
 */
import { gatherEvaluation, type LocalPredictions } from '../../lib/distributed/gather';
import type { ProcessGroup } from '../../lib/distributed/process-group';
import { shardOf, unpaddedShardLength } from '../../lib/distributed/shard';

describe('shardOf', () => {
  const order = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19];

  it('pads to a multiple of the world size by repeating the start, then deals positions r, r+W, … (DistributedSampler)', () => {
    // torch: indices += indices[:2] → 12 items; rank r takes indices[r:12:3].
    expect(shardOf(order, { rank: 0, worldSize: 3, pad: true })).toEqual([10, 13, 16, 19]);
    expect(shardOf(order, { rank: 1, worldSize: 3, pad: true })).toEqual([11, 14, 17, 10]);
    expect(shardOf(order, { rank: 2, worldSize: 3, pad: true })).toEqual([12, 15, 18, 11]);
  });

  it('repeats the order more than once when the world is larger than it', () => {
    const shards = [0, 1, 2, 3, 4].map((rank) => shardOf(['a', 'b'], { rank, worldSize: 5, pad: true }));
    expect(shards).toEqual([['a'], ['b'], ['a'], ['b'], ['a']]);
  });

  it('unpadded shards hold every item exactly once', () => {
    const shards = [0, 1, 2].map((rank) => shardOf(order, { rank, worldSize: 3, pad: false }));
    expect(shards.map((s) => s.length)).toEqual([4, 3, 3]);
    expect([0, 1, 2].map((rank) => unpaddedShardLength(order.length, rank, 3))).toEqual([4, 3, 3]);
    expect(shards.flat().sort((a, b) => a - b)).toEqual(order);
    expect(unpaddedShardLength(2, 3, 4)).toBe(0);
  });

  it('the union of batch k over the ranks is batch k of one process with a W times larger batch', () => {
    const padded = [0, 1].map((rank) => shardOf(order, { rank, worldSize: 2, pad: true }));
    for (let k = 0; k < 2; k++) {
      const union = padded.flatMap((s) => s.slice(2 * k, 2 * k + 2)).sort((a, b) => a - b);
      expect(union).toEqual(order.slice(4 * k, 4 * k + 4));
    }
  });

  it('refuses ranks outside the world', () => {
    expect(() => shardOf(order, { rank: 2, worldSize: 2, pad: true })).toThrow(
      expect.objectContaining({ code: 'ERR_VIDEOMAE_INVALID_ARG' }),
    );
    expect(() => shardOf(order, { rank: 0, worldSize: 0, pad: true })).toThrow(
      expect.objectContaining({ code: 'ERR_VIDEOMAE_INVALID_ARG' }),
    );
  });
});

/** W in-memory ranks whose allGather meets in the order calls are made, as c10d pairs collectives. */
function memoryGroups(worldSize: number): ProcessGroup[] {
  const rounds: Array<{ parts: unknown[]; waiting: Array<(parts: unknown[]) => void> }> = [];
  const calls = new Array<number>(worldSize).fill(0);
  return Array.from({ length: worldSize }, (_, rank) => {
    const allGather = (tensor: { data: ArrayLike<number> & { slice(): unknown } }) =>
      new Promise((resolve) => {
        const round = (rounds[calls[rank]!] ??= { parts: [], waiting: [] });
        calls[rank]!++;
        round.parts[rank] = tensor.data.slice();
        round.waiting.push(resolve as (parts: unknown[]) => void);
        if (round.waiting.length === worldSize) {
          const parts = round.parts.map((data) => ({ toTypedArray: () => data, dispose: () => undefined }));
          for (const wake of round.waiting) wake(parts);
        }
      });
    return { rank, worldSize, allGather } as unknown as ProcessGroup;
  });
}

function localRows(ids: number[], numLabels: number, lossPerRow: number): LocalPredictions {
  return {
    logits: Float32Array.from(ids.flatMap((id) => Array.from({ length: numLabels }, (_, j) => id * 10 + j))),
    labels: Int32Array.from(ids.map((id) => id % numLabels)),
    videoIds: Int32Array.from(ids),
    numLabels,
    lossSum: lossPerRow * ids.length,
    lossCount: ids.length,
    numBatches: Math.ceil(ids.length / 2),
  };
}

describe('gatherEvaluation', () => {
  it('every rank gets all rows back in the original order, and the loss of the whole set (uneven shards)', async () => {
    const items = [0, 1, 2, 3, 4, 5, 6];
    const groups = memoryGroups(3);
    const shards = groups.map((g) => shardOf(items, { rank: g.rank, worldSize: 3, pad: false }));
    const results = await Promise.all(groups.map((g, r) => gatherEvaluation(g, localRows(shards[r]!, 2, r + 1))));
    for (const result of results) {
      expect(Array.from(result.videoIds!)).toEqual(items);
      expect(Array.from(result.labels)).toEqual(items.map((i) => i % 2));
      expect(Array.from(result.logits)).toEqual(items.flatMap((i) => [i * 10, i * 10 + 1]));
      expect(result.lossCount).toBe(7);
      // rank 0 holds 3 rows at loss 1, ranks 1 and 2 two rows at losses 2 and 3.
      expect(result.lossSum).toBe(3 * 1 + 2 * 2 + 2 * 3);
      expect(result.numLabels).toBe(2);
    }
  });

  it('a rank with no rows still takes part, and video ids drop out when a rank lacks them', async () => {
    const groups = memoryGroups(2);
    const empty: LocalPredictions = { ...localRows([], 0, 0), videoIds: null };
    const [a, b] = await Promise.all([gatherEvaluation(groups[0]!, localRows([4], 3, 0.5)), gatherEvaluation(groups[1]!, empty)]);
    for (const r of [a!, b!]) {
      expect(r.numLabels).toBe(3);
      expect(Array.from(r.logits)).toEqual([40, 41, 42]);
      expect(Array.from(r.videoIds!)).toEqual([4]);
    }
    const [c] = await Promise.all([
      gatherEvaluation(groups[0]!, localRows([1], 2, 1)),
      gatherEvaluation(groups[1]!, { ...localRows([2], 2, 1), videoIds: null }),
    ]);
    expect(c!.videoIds).toBeNull();
  });
});
