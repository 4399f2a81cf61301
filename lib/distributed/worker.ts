/**
 * The worker side of a data-parallel run: a process started by `videomae train --nproc-per-node`,
 * by torchrun or by a cluster's launcher reads its rank from the environment, takes its share of
 * the cores and joins the group. A plain process (no WORLD_SIZE, or a world of one) gets null.
 */
import { invalidArg } from '../errors';
import { nativeAs, type NativeCore } from '../native/binding';
import { distributedEnvFromProcess, isDistributed } from './env';
import { initProcessGroup, type ProcessGroup } from './process-group';

/** VIDEOMAE_NUM_THREADS (set by the launcher to cores ÷ workers per node) as libtorch's intra-op thread count. */
export function applyWorkerThreads(env: NodeJS.ProcessEnv = process.env): number | null {
  const text = env.VIDEOMAE_NUM_THREADS;
  if (text === undefined || text === '') return null;
  const threads = Number(text);
  if (!Number.isInteger(threads) || threads < 1) throw invalidArg('VIDEOMAE_NUM_THREADS', 'an integer >= 1', text);
  nativeAs<NativeCore>().setNumThreads(threads);
  return threads;
}

export async function joinFromEnvironment(options: { device: string; timeoutMs: number }): Promise<ProcessGroup | null> {
  const env = distributedEnvFromProcess();
  if (!isDistributed(env)) return null;
  applyWorkerThreads();
  return initProcessGroup({ ...env!, device: options.device, timeoutMs: options.timeoutMs });
}

/** A worker's device: plain 'cuda' means this worker's own GPU, cuda:LOCAL_RANK (as torchrun users set it). */
export function rankDevice(device: string, group: ProcessGroup | null): string {
  return group && device === 'cuda' ? `cuda:${group.localRank}` : device;
}

/**
 * A training CLI's worker: joins the group when the environment says it is one of several ranks
 * (ddpTimeout seconds for the rendezvous), and then trains on its own GPU (args.device rewritten).
 */
export async function joinForTraining(args: { device?: string; ddpTimeout?: number }): Promise<ProcessGroup | null> {
  const group = await joinFromEnvironment({ device: args.device ?? 'cpu', timeoutMs: (args.ddpTimeout ?? 1800) * 1000 });
  if (args.device) args.device = rankDevice(args.device, group);
  return group;
}
