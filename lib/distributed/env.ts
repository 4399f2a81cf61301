/**
 * The rendezvous environment torchrun (and `launchWorkers`) gives each worker: where rank 0's
 * TCPStore listens (MASTER_ADDR:MASTER_PORT), how many workers there are in all and on this node,
 * and which one this process is. c10d's env:// initialisation reads the same variables, so a
 * worker started by torchrun, by a cluster scheduler's wrapper or by hand works alike.
 *
 * Parsed strictly: a typo in one of them would otherwise surface minutes later as a rendezvous
 * that hangs or a rank that trains on another rank's shard.
 */
import { VideomaeError } from '../errors';

export interface DistributedEnv {
  rank: number;
  worldSize: number;
  localRank: number;
  localWorldSize: number;
  masterAddr: string;
  masterPort: number;
}

/** torchrun's default for --master-port. */
export const DEFAULT_MASTER_PORT = 29500;

/** torchrun's variables (MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK, LOCAL_RANK, LOCAL_WORLD_SIZE). null when WORLD_SIZE is unset. */
export function distributedEnvFromProcess(env: NodeJS.ProcessEnv = process.env): DistributedEnv | null {
  const worldSize = integer(env, 'WORLD_SIZE');
  if (worldSize === undefined) return null;
  if (worldSize < 1) throw bad(`WORLD_SIZE=${worldSize} is not at least 1`);

  // A single process needs no rendezvous partner, so its rank and address can go unsaid; with
  // two or more, a guessed rank or address would pair the wrong processes.
  const rank = integer(env, 'RANK') ?? (worldSize === 1 ? 0 : missing('RANK', `WORLD_SIZE=${worldSize}`));
  if (rank < 0) throw bad(`RANK=${rank} is negative`);
  if (rank >= worldSize) throw bad(`RANK=${rank} is not below WORLD_SIZE=${worldSize}`);

  const localWorldSize = integer(env, 'LOCAL_WORLD_SIZE') ?? worldSize;
  if (localWorldSize < 1) throw bad(`LOCAL_WORLD_SIZE=${localWorldSize} is not at least 1`);
  if (localWorldSize > worldSize) throw bad(`LOCAL_WORLD_SIZE=${localWorldSize} is above WORLD_SIZE=${worldSize}`);

  // On one node the local rank is the global one; across nodes it cannot be derived.
  const localRank =
    integer(env, 'LOCAL_RANK') ??
    (localWorldSize === worldSize
      ? rank
      : missing('LOCAL_RANK', `LOCAL_WORLD_SIZE=${localWorldSize} differs from WORLD_SIZE=${worldSize}`));
  if (localRank < 0) throw bad(`LOCAL_RANK=${localRank} is negative`);
  if (localRank >= localWorldSize) throw bad(`LOCAL_RANK=${localRank} is not below LOCAL_WORLD_SIZE=${localWorldSize}`);

  const masterAddr = text(env, 'MASTER_ADDR') ?? (worldSize === 1 ? '127.0.0.1' : missing('MASTER_ADDR', `WORLD_SIZE=${worldSize}`));

  const masterPort = integer(env, 'MASTER_PORT') ?? DEFAULT_MASTER_PORT;
  if (masterPort < 1 || masterPort > 65535) throw bad(`MASTER_PORT=${masterPort} is not in 1..65535`);

  return { rank, worldSize, localRank, localWorldSize, masterAddr, masterPort };
}

/** Whether there is anyone to talk to: a world of one trains exactly like a plain run. */
export function isDistributed(e: DistributedEnv | null): boolean {
  return e !== null && e.worldSize > 1;
}

/** An empty variable counts as unset, as `VAR= command` is how shells unset one for a command. */
function text(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  // Decimal digits only: Number() would also take " 2", "0x10", "1e3" and "2.0".
  const value = /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value)) throw bad(`${name}=${JSON.stringify(raw)} is not a decimal integer`);
  return value;
}

function missing(name: string, because: string): never {
  throw bad(`${name} must be set when ${because}`);
}

function bad(message: string): VideomaeError {
  return new VideomaeError(`distributed environment: ${message}`, 'ERR_VIDEOMAE_INVALID_ARG');
}
