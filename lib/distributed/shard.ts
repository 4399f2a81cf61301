/**
 * One rank's share of an epoch's sample order, with torch's DistributedSampler semantics: every
 * rank sees the same (seeded, per-epoch) order; rank r takes positions r, r + W, r + 2W, …; for
 * training the order is first padded by repeating its start until its length divides by W, so
 * every rank runs the same number of steps (DistributedSampler(drop_last=False)). Evaluation
 * shards are not padded: their union is the eval set exactly once, and gatherEvaluation() puts
 * the rows back in the original order (docs/hf-semantics.md § "Trainer: data parallel (DDP under torchrun)").
 */
import { invalidArg } from '../errors';

export interface ShardSpec {
  rank: number;
  worldSize: number;
  /** Repeat the order's start so all shards are equally long (training); false: no duplicates (evaluation). */
  pad: boolean;
}

export function validateShard(shard: ShardSpec): void {
  if (typeof shard !== 'object' || shard === null) throw invalidArg('shard', 'an object { rank, worldSize, pad }', shard);
  if (!Number.isInteger(shard.worldSize) || shard.worldSize < 1) throw invalidArg('shard.worldSize', 'an integer >= 1', shard.worldSize);
  if (!Number.isInteger(shard.rank) || shard.rank < 0 || shard.rank >= shard.worldSize)
    throw invalidArg('shard.rank', `an integer in [0, ${shard.worldSize})`, shard.rank);
}

/** The items of `order` this rank reads. */
export function shardOf<T>(order: readonly T[], shard: ShardSpec): T[] {
  validateShard(shard);
  const { rank, worldSize, pad } = shard;
  if (worldSize === 1) return [...order];
  let padded: readonly T[] = order;
  if (pad && order.length > 0 && order.length % worldSize !== 0) {
    const total = Math.ceil(order.length / worldSize) * worldSize;
    const extra: T[] = [];
    // DistributedSampler: indices += indices[:padding_size], repeated when padding exceeds the length.
    while (extra.length < total - order.length) extra.push(...order.slice(0, total - order.length - extra.length));
    padded = [...order, ...extra];
  }
  const mine: T[] = [];
  for (let i = rank; i < padded.length; i += worldSize) mine.push(padded[i]!);
  return mine;
}

/** Samples rank r holds in an unpadded shard of n items. */
export function unpaddedShardLength(n: number, rank: number, worldSize: number): number {
  return rank < n ? Math.ceil((n - rank) / worldSize) : 0;
}
