/**
 * initProcessGroup(): a c10d process group (libtorch's TCPStore + ProcessGroupGloo), for the
 * Trainer's data-parallel mode and for custom training loops.
 *
 *   const group = await initProcessGroup();           // MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK… (torchrun's)
 *   await model.attachProcessGroup(group);            // DDP: broadcast rank 0's weights, average gradients
 *   const t = { data: new Float64Array([loss]), shape: [1] };
 *   await group.allReduce(t, 'avg');                  // in place, on every rank
 *   group.destroy();
 *
 * Every rank must call the same collectives in the same order (c10d pairs them by order); one
 * collective at a time per group. A rank that exits or stalls makes the others' collectives fail
 * with ERR_VIDEOMAE_DISTRIBUTED (at once when its connections close, else after `timeoutMs`).
 */
import { VideomaeError, invalidArg } from '../errors';
import { nativeAs } from '../native/binding';
import type { NativeTensor } from '../native/tensor';
import { DEFAULT_MASTER_PORT, distributedEnvFromProcess } from './env';
import type { CollectiveTensor, DistBinding, NativeProcessGroupHandle, ReduceOpName } from './native';

export type { CollectiveTensor, ReduceOpName } from './native';

export type BackendName = 'auto' | 'gloo' | 'nccl';

export interface ProcessGroupOptions {
  /** 'auto' (default): NCCL for a CUDA device, Gloo for CPU. */
  backend?: BackendName;
  /** The training device: decides the 'auto' backend. */
  device?: string;
  rank?: number;
  worldSize?: number;
  localRank?: number;
  masterAddr?: string;
  masterPort?: number;
  /** Rendezvous and collective timeout; default 1 800 000 ms (HF's ddp_timeout of 1800 s). */
  timeoutMs?: number;
}

const REDUCE_OPS: readonly ReduceOpName[] = ['sum', 'avg', 'max', 'min'];

/** Which backends this build of the addon has. */
export function availableBackends(): string[] {
  return nativeAs<DistBinding>().distributedInfo().backends;
}

function resolveBackend(backend: BackendName, device: string): 'gloo' | 'nccl' {
  if (backend !== 'auto' && backend !== 'gloo' && backend !== 'nccl') throw invalidArg('backend', '"auto", "gloo" or "nccl"', backend);
  const wanted = backend === 'auto' ? (device.startsWith('cuda') ? 'nccl' : 'gloo') : backend;
  if (!availableBackends().includes(wanted)) {
    const hint =
      wanted === 'nccl'
        ? 'this build has no NCCL process group (data-parallel training runs on CPU with gloo)'
        : 'this build has no gloo process group: install libgloo-dev (its headers) and rebuild with `npm run build:native`';
    throw new VideomaeError(`backend "${wanted}" for device "${device}": ${hint}`, 'ERR_VIDEOMAE_UNSUPPORTED');
  }
  return wanted;
}

function integerOption(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max)
    throw invalidArg(name, `an integer in [${min}, ${max}]`, value);
  return value as number;
}

export class ProcessGroup {
  readonly rank: number;
  readonly worldSize: number;
  readonly localRank: number;
  readonly backend: 'gloo' | 'nccl';

  constructor(
    private handle: NativeProcessGroupHandle | null,
    info: { rank: number; worldSize: number; localRank: number; backend: 'gloo' | 'nccl' },
  ) {
    this.rank = info.rank;
    this.worldSize = info.worldSize;
    this.localRank = info.localRank;
    this.backend = info.backend;
  }

  /** Rank 0: the one process that writes logs, checkpoints and reports. */
  get isMainProcess(): boolean {
    return this.rank === 0;
  }

  /** The native group, for the model's gradient reducer. */
  get native(): NativeProcessGroupHandle {
    if (!this.handle) throw new VideomaeError('the process group was destroyed', 'ERR_VIDEOMAE_CLOSED');
    return this.handle;
  }

  /** Reduces `tensor` in place on every rank: a NativeTensor or { data, shape } over a typed array. */
  async allReduce(tensor: CollectiveTensor, op: ReduceOpName = 'sum'): Promise<void> {
    if (!REDUCE_OPS.includes(op)) throw invalidArg('op', '"sum", "avg", "max" or "min"', op);
    await this.native.allReduce(tensor, op);
  }

  /** Every rank's tensor ends with rank `root`'s values (in place). */
  async broadcast(tensor: CollectiveTensor, root = 0): Promise<void> {
    integerOption('root', root, 0, this.worldSize - 1);
    await this.native.broadcast(tensor, root);
  }

  /** Every rank's tensor (same shape and dtype on all ranks), in rank order. */
  async allGather(tensor: CollectiveTensor): Promise<NativeTensor[]> {
    return this.native.allGather(tensor);
  }

  async barrier(): Promise<void> {
    await this.native.barrier();
  }

  /** Numbers summed (or reduced by `op`) over the ranks, in float64. */
  async allReduceNumbers(values: number[], op: ReduceOpName = 'sum'): Promise<number[]> {
    const data = Float64Array.from(values);
    await this.allReduce({ data, shape: [data.length] }, op);
    return Array.from(data);
  }

  /** Leaves the group; the other ranks' next collective fails. Idempotent. */
  destroy(): void {
    this.handle?.destroy();
    this.handle = null;
  }
}

/**
 * Joins the process group: every rank calls it, rank 0 hosts the TCPStore. Options default to
 * torchrun's environment variables; resolves once all worldSize ranks are connected.
 */
export async function initProcessGroup(options: ProcessGroupOptions = {}): Promise<ProcessGroup> {
  if (typeof options !== 'object' || options === null) throw invalidArg('options', 'an object', options);
  const env = distributedEnvFromProcess();
  const worldSize = integerOption('worldSize', options.worldSize ?? env?.worldSize ?? 1, 1);
  const rank = integerOption('rank', options.rank ?? env?.rank ?? 0, 0, worldSize - 1);
  const localRank = integerOption('localRank', options.localRank ?? env?.localRank ?? rank, 0);
  const masterPort = integerOption('masterPort', options.masterPort ?? env?.masterPort ?? DEFAULT_MASTER_PORT, 1, 65535);
  const masterAddr = options.masterAddr ?? env?.masterAddr ?? '127.0.0.1';
  if (typeof masterAddr !== 'string' || masterAddr === '') throw invalidArg('masterAddr', 'a host name or address', masterAddr);
  const timeoutMs = integerOption('timeoutMs', options.timeoutMs ?? 1_800_000, 1);
  const backend = resolveBackend(options.backend ?? 'auto', options.device ?? 'cpu');
  const handle = await nativeAs<DistBinding>().initProcessGroup({ masterAddr, masterPort, rank, worldSize, timeoutMs, backend });
  return new ProcessGroup(handle, { rank, worldSize, localRank, backend });
}
