/**
 * `videomae train … --nproc-per-node N [--nnodes M --node-rank R --master-addr A --master-port P]`:
 * this process becomes a launcher (lib/distributed/launcher.ts) that runs N workers of the same
 * command line, minus these flags; each worker finds its rank in the environment and trains its
 * shard (lib/distributed/worker.ts). With one node and one process nothing is launched.
 */
import type { Command } from 'commander';
import { invalidArg } from '../../errors';
import { distributedEnvFromProcess } from '../../distributed/env';
import { launchWorkers, workerArgv } from '../../distributed/launcher';

export interface LauncherCliOptions {
  nprocPerNode?: number;
  nnodes?: number;
  nodeRank?: number;
  masterAddr?: string;
  masterPort?: number;
}

function count(flag: string, min: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min) throw invalidArg(flag, `an integer >= ${min}`, value);
    return n;
  };
}

export function registerLauncherOptions(command: Command): void {
  command
    .option(
      '--nproc-per-node <n>',
      'data-parallel: start N worker processes on this machine (torchrun style; each gets cores / N threads)',
      count('--nproc-per-node', 1),
    )
    .option('--nnodes <n>', 'data-parallel: machines taking part (default 1)', count('--nnodes', 1))
    .option('--node-rank <r>', "data-parallel: this machine's index among --nnodes (default 0)", count('--node-rank', 0))
    .option('--master-addr <host>', "data-parallel: rank 0's machine, where the rendezvous store listens (default 127.0.0.1)")
    .option(
      '--master-port <port>',
      'data-parallel: rendezvous port (default: a free port with one machine, 29500 with several)',
      count('--master-port', 1),
    );
}

/** Launcher flags asking for more than this one process, given outside a worker (a worker already has WORLD_SIZE). */
export function wantsLauncher(options: LauncherCliOptions): boolean {
  if (distributedEnvFromProcess() !== null) return false;
  return (options.nprocPerNode ?? 1) > 1 || (options.nnodes ?? 1) > 1;
}

export async function launchFromCli(options: LauncherCliOptions): Promise<number> {
  const result = await launchWorkers({
    nprocPerNode: options.nprocPerNode ?? 1,
    nnodes: options.nnodes ?? 1,
    nodeRank: options.nodeRank ?? 0,
    ...(options.masterAddr !== undefined ? { masterAddr: options.masterAddr } : {}),
    ...(options.masterPort !== undefined ? { masterPort: options.masterPort } : {}),
    command: process.execPath,
    args: [...process.execArgv, process.argv[1]!, ...workerArgv(process.argv.slice(2))],
  });
  return result.exitCode;
}
