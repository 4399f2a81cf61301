/** Data-parallel training: process groups (c10d), the launcher, sharding. */
export {
  initProcessGroup,
  availableBackends,
  ProcessGroup,
  type ProcessGroupOptions,
  type BackendName,
  type CollectiveTensor,
  type ReduceOpName,
} from './process-group';
export { distributedEnvFromProcess, isDistributed, type DistributedEnv } from './env';
export { launchWorkers, workerArgv, type LaunchOptions, type LaunchResult, type WorkerExit } from './launcher';
export { shardOf, type ShardSpec } from './shard';
