/**
 * A local torchrun: starts this node's share of a data-parallel job and supervises it.
 *
 * Correspondence with `torchrun` (static rendezvous, no restarts):
 * - nprocPerNode, nnodes, nodeRank, masterAddr, masterPort are --nproc-per-node, --nnodes,
 *   --node-rank, --master-addr, --master-port. With one node and no port a free one is picked,
 *   as --standalone does; across nodes every node must be given the same address and port.
 * - Each worker gets the variables c10d's env:// rendezvous reads (see ./env.ts): WORLD_SIZE,
 *   RANK = nodeRank * nprocPerNode + localRank, LOCAL_RANK, LOCAL_WORLD_SIZE, GROUP_RANK,
 *   MASTER_ADDR, MASTER_PORT, and OMP_NUM_THREADS / VIDEOMAE_NUM_THREADS set to its share of the
 *   cores (torchrun sets OMP_NUM_THREADS=1; here the workers share the CPUs instead of idling).
 * - One worker failing stops the group (SIGTERM, then SIGKILL after a grace period), like
 *   torchrun's agent with --max-restarts 0: the others would otherwise hang in a collective
 *   waiting for the dead one.
 * - SIGINT/SIGTERM to the launcher is forwarded once to every worker, which saves a checkpoint
 *   and exits; a second one kills them.
 *
 * Workers run in their own process group (POSIX) so a Ctrl-C in the terminal reaches them only
 * through the launcher: otherwise each would get the terminal's SIGINT and the forwarded one, and
 * the trainer takes a second signal as "exit at once, without saving".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as os from 'node:os';
import type { Readable } from 'node:stream';
import { VideomaeError, invalidArg } from '../errors';
import { exitCodeFor } from '../train/signals';
import { DEFAULT_MASTER_PORT } from './env';

export interface LaunchOptions {
  nprocPerNode: number;
  /** Default 1. */
  nnodes?: number;
  /** Default 0. */
  nodeRank?: number;
  /** Default '127.0.0.1'. */
  masterAddr?: string;
  /** With one node: default a free port (torchrun --standalone); with several: default 29500, and every node must agree. */
  masterPort?: number;
  command: string;
  args: string[];
  /** The workers' base environment; default process.env. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Cores to share among this node's workers; default os.availableParallelism(). */
  cores?: number;
  /** How long stopped workers get between SIGTERM and SIGKILL; default 10000. */
  stopGraceMs?: number;
  /** Where the launcher's lines go, and the other ranks' output; default stderr. */
  log?: (line: string) => void;
}

export interface WorkerExit {
  rank: number;
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LaunchResult {
  /** What the launcher should exit with: 0, the failed worker's code, or 128 + the signal that interrupted it. */
  exitCode: number;
  /** One per worker, in rank order. */
  exits: WorkerExit[];
  /** The first worker that failed on its own (not stopped by the launcher), or null. */
  failed: WorkerExit | null;
  /** The signal that interrupted the launcher, or null. */
  interrupted: NodeJS.Signals | null;
}

const LAUNCHER_FLAGS = ['--nproc-per-node', '--nnodes', '--node-rank', '--master-addr', '--master-port'];

/** The launcher's own flags removed from argv (both `--flag value` and `--flag=value`): --nproc-per-node, --nnodes, --node-rank, --master-addr, --master-port. */
export function workerArgv(argv: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    // After `--` everything is an operand, even if it looks like one of our flags.
    if (arg === '--') return [...kept, ...argv.slice(i)];
    if (LAUNCHER_FLAGS.includes(arg)) i++;
    else if (!LAUNCHER_FLAGS.some((flag) => arg.startsWith(`${flag}=`))) kept.push(arg);
  }
  return kept;
}

export async function launchWorkers(options: LaunchOptions): Promise<LaunchResult> {
  const plan = planLaunch(options);
  const masterPort = options.masterPort ?? (plan.nnodes === 1 ? await pickFreePort(plan.masterAddr) : DEFAULT_MASTER_PORT);
  const group = new WorkerGroup(plan, masterPort);
  const onSignal = (signal: NodeJS.Signals): void => group.interrupt(signal);
  // Should this process end while they run (process.exit, an uncaught error), the workers would
  // be left waiting in a collective for good: no terminal signal reaches their process groups.
  const onExit = (): void => group.killAll();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', onExit);
  try {
    return await group.run();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
  }
}

interface LaunchPlan {
  nprocPerNode: number;
  nnodes: number;
  nodeRank: number;
  masterAddr: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string | undefined;
  threads: number;
  stopGraceMs: number;
  log: (line: string) => void;
}

function planLaunch(o: LaunchOptions): LaunchPlan {
  const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 1;
  if (!isCount(o.nprocPerNode)) throw invalidArg('nprocPerNode', 'an integer ≥ 1', o.nprocPerNode);
  const nnodes = o.nnodes ?? 1;
  if (!isCount(nnodes)) throw invalidArg('nnodes', 'an integer ≥ 1', nnodes);
  const nodeRank = o.nodeRank ?? 0;
  if (!Number.isInteger(nodeRank) || nodeRank < 0 || nodeRank >= nnodes)
    throw invalidArg('nodeRank', `an integer in 0..${nnodes - 1}`, nodeRank);
  const masterAddr = o.masterAddr ?? '127.0.0.1';
  if (typeof masterAddr !== 'string' || masterAddr === '') throw invalidArg('masterAddr', 'a host name or address', masterAddr);
  if (o.masterPort !== undefined && !(Number.isInteger(o.masterPort) && o.masterPort >= 1 && o.masterPort <= 65535))
    throw invalidArg('masterPort', 'an integer in 1..65535', o.masterPort);
  if (typeof o.command !== 'string' || o.command === '') throw invalidArg('command', 'a non-empty string', o.command);
  if (!Array.isArray(o.args) || !o.args.every((a) => typeof a === 'string')) throw invalidArg('args', 'an array of strings', o.args);
  const cores = o.cores ?? os.availableParallelism();
  if (!isCount(cores)) throw invalidArg('cores', 'an integer ≥ 1', cores);
  const stopGraceMs = o.stopGraceMs ?? 10_000;
  if (!(Number.isFinite(stopGraceMs) && stopGraceMs >= 0)) throw invalidArg('stopGraceMs', 'a number of milliseconds ≥ 0', stopGraceMs);
  return {
    nprocPerNode: o.nprocPerNode,
    nnodes,
    nodeRank,
    masterAddr,
    command: o.command,
    args: o.args,
    env: o.env ?? process.env,
    cwd: o.cwd,
    threads: Math.max(1, Math.floor(cores / o.nprocPerNode)),
    stopGraceMs,
    log: o.log ?? ((line) => process.stderr.write(`${line}\n`)),
  };
}

/**
 * A port nobody listens on now, found by letting the OS choose one. Another process could take it
 * before rank 0's store binds it; torchrun --standalone takes the same small risk.
 */
export function pickFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (error) =>
      reject(new VideomaeError(`could not find a free port on ${host}: ${error.message}`, 'ERR_VIDEOMAE_IO', { cause: error })),
    );
    server.listen({ port: 0, host }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Worker {
  rank: number;
  child: ChildProcess;
  pid: number;
  exit: WorkerExit | null;
  /** Resolves once the worker has exited and its forwarded output is flushed. */
  done: Promise<void>;
}

/** How long an exited worker's pipes may stay open (held by a process it started) before the launcher stops reading them. */
const PIPE_DRAIN_MS = 1000;

class WorkerGroup {
  private readonly workers: Worker[] = [];
  private failed: WorkerExit | null = null;
  private interrupted: NodeJS.Signals | null = null;
  /** Set once the launcher has told the workers to stop: their exits from then on are not failures of their own. */
  private stopping: 'failure' | 'signal' | null = null;
  private killTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly plan: LaunchPlan,
    private readonly masterPort: number,
  ) {}

  async run(): Promise<LaunchResult> {
    for (let localRank = 0; localRank < this.plan.nprocPerNode; localRank++) {
      const started = this.start(localRank);
      if (started instanceof Promise) {
        const error = await started;
        this.stop('failure');
        await this.settled();
        throw new VideomaeError(
          `could not start worker rank ${this.rankOf(localRank)}: ${this.plan.command}: ${describeSpawnError(error, this.plan.cwd)}`,
          'ERR_VIDEOMAE_INVALID_ARG',
          { cause: error },
        );
      }
    }
    await this.settled();
    const { failed, interrupted } = this;
    const exitCode = failed ? failed.code || 1 : exitCodeFor(interrupted);
    if (failed) {
      const when = interrupted ? ` after ${interrupted}` : '';
      this.plan.log(`videomae: failed: rank ${failed.rank} (pid ${failed.pid}) ${describeExit(failed)}${when}; exit code ${exitCode}`);
    } else if (interrupted) {
      this.plan.log(`videomae: interrupted by ${interrupted}; all workers exited; exit code ${exitCode}`);
    }
    return { exitCode, exits: this.workers.map((w) => w.exit!), failed, interrupted };
  }

  /** The launcher got SIGINT/SIGTERM: pass it on once; any further one (or one while already stopping) kills. */
  interrupt(signal: NodeJS.Signals): void {
    const live = this.live();
    // All exited, their last output still draining: the run is over, and it stands.
    if (live.length === 0) return;
    this.interrupted ??= signal;
    if (this.stopping) {
      const why = this.stopping === 'signal' ? 'again' : 'while the workers are stopping';
      this.plan.log(`videomae: ${signal} ${why}; killing the ${live.length} remaining worker(s)`);
      this.killAll();
      return;
    }
    this.stopping = 'signal';
    this.plan.log(
      `videomae: ${signal} received; forwarded to ${live.length} worker(s), waiting for them to exit (send it again to kill them)`,
    );
    for (const w of live) w.child.kill(signal);
  }

  /** SIGKILL to every live worker's whole process group: it cannot clean up after itself, so nothing it started may outlive it. */
  killAll(): void {
    for (const w of this.live()) {
      try {
        // Safe while the worker is unreaped: its pid, and so its group id, cannot be anyone else's yet.
        if (process.platform !== 'win32') process.kill(-w.pid, 'SIGKILL');
        else w.child.kill('SIGKILL');
      } catch {
        w.child.kill('SIGKILL');
      }
    }
  }

  private rankOf(localRank: number): number {
    return this.plan.nodeRank * this.plan.nprocPerNode + localRank;
  }

  /** Spawns one worker; on a spawn failure returns the error to come instead. */
  private start(localRank: number): Worker | Promise<Error> {
    const { plan } = this;
    const rank = this.rankOf(localRank);
    const threads = String(plan.threads);
    const child = spawn(plan.command, plan.args, {
      cwd: plan.cwd,
      env: {
        ...plan.env,
        MASTER_ADDR: plan.masterAddr,
        MASTER_PORT: String(this.masterPort),
        WORLD_SIZE: String(plan.nprocPerNode * plan.nnodes),
        RANK: String(rank),
        LOCAL_RANK: String(localRank),
        LOCAL_WORLD_SIZE: String(plan.nprocPerNode),
        GROUP_RANK: String(plan.nodeRank),
        OMP_NUM_THREADS: threads,
        VIDEOMAE_NUM_THREADS: threads,
      },
      // Rank 0 talks to the user directly (progress bars need its terminal); the others'
      // output would interleave unreadably, so it comes through here, labelled. No worker
      // reads stdin: in a process group of its own, reading the terminal would stop it.
      stdio: ['ignore', rank === 0 ? 'inherit' : 'pipe', rank === 0 ? 'inherit' : 'pipe'],
      // Windows has no process groups; `detached` would give each worker a console window.
      detached: process.platform !== 'win32',
    });
    // The OS reports a missing command by leaving pid unset; the 'error' event follows.
    if (child.pid === undefined) return new Promise((resolve) => child.once('error', resolve));
    // Later 'error's (a kill that failed because the worker just exited) change nothing.
    child.on('error', () => {});
    const pid = child.pid;
    const worker: Worker = { rank, child, pid, exit: null, done: Promise.resolve() };
    const forwarded = [child.stdout, child.stderr].flatMap((stream) => (stream ? [forwardLines(stream, `[rank ${rank}] `, plan.log)] : []));
    const exited = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        this.onExit(worker, code, signal);
        resolve();
      }),
    );
    worker.done = exited.then(() => Promise.all(forwarded.map((f) => f.drain(PIPE_DRAIN_MS)))).then(() => {});
    this.workers.push(worker);
    plan.log(`videomae: rank ${rank} (pid ${pid}) started`);
    return worker;
  }

  private onExit(worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    const exit: WorkerExit = { rank: worker.rank, pid: worker.pid, code, signal };
    worker.exit = exit;
    if (this.live().length === 0) clearTimeout(this.killTimer);
    if (code === 0) return;
    if (this.stopping === null) {
      this.failed = exit;
      this.plan.log(`videomae: rank ${exit.rank} (pid ${exit.pid}) failed: ${describeExit(exit)}`);
      this.stop('failure');
    } else if (this.stopping === 'signal' && !this.answersSignal(exit)) {
      // Interrupted, but it did not exit the way a worker that saved and stopped does.
      this.failed ??= exit;
      this.plan.log(`videomae: rank ${exit.rank} (pid ${exit.pid}) failed while stopping: ${describeExit(exit)}`);
    }
  }

  /** An exit caused by the forwarded signal: 128 + its number, killed by it, or killed by a second signal. */
  private answersSignal(exit: WorkerExit): boolean {
    const signal = this.interrupted!;
    return exit.signal === signal || exit.signal === 'SIGKILL' || exit.code === 128 + os.constants.signals[signal];
  }

  /** After a failure: SIGTERM the others, and SIGKILL those still there after the grace period. */
  private stop(reason: 'failure'): void {
    this.stopping = reason;
    const live = this.live();
    if (live.length === 0) return;
    this.plan.log(`videomae: stopping ${live.length} worker(s) (SIGTERM, then SIGKILL after ${this.plan.stopGraceMs} ms)`);
    for (const w of live) w.child.kill('SIGTERM');
    this.killTimer = setTimeout(() => {
      for (const w of this.live())
        this.plan.log(`videomae: rank ${w.rank} (pid ${w.pid}) still running after ${this.plan.stopGraceMs} ms; sending SIGKILL`);
      this.killAll();
    }, this.plan.stopGraceMs);
  }

  private live(): Worker[] {
    return this.workers.filter((w) => w.exit === null);
  }

  private async settled(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.done));
  }
}

function describeSpawnError(error: Error, cwd: string | undefined): string {
  const code = (error as NodeJS.ErrnoException).code;
  // spawn says ENOENT for a missing working directory too.
  if (code === 'ENOENT') return cwd === undefined ? 'no such command (ENOENT)' : `no such command, or no directory ${cwd} (ENOENT)`;
  if (code === 'EACCES') return 'not executable (EACCES)';
  return error.message;
}

function describeExit(exit: WorkerExit): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

/**
 * Passes a stream on line by line with a prefix. drain() waits for its end, at most `ms`, then
 * stops reading; either way a last line without a newline is passed on too.
 */
function forwardLines(stream: Readable, prefix: string, log: (line: string) => void): { drain(ms: number): Promise<void> } {
  let pending = '';
  let flushed = false;
  const flush = (): void => {
    if (flushed) return;
    flushed = true;
    if (pending !== '') log(prefix + pending);
    pending = '';
  };
  const ended = new Promise<void>((resolve) => {
    stream.once('close', resolve);
    stream.once('end', resolve);
  });
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) log(prefix + line.replace(/\r$/, ''));
  });
  return {
    async drain(ms: number) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
      await Promise.race([ended, timedOut]);
      clearTimeout(timer);
      stream.destroy();
      flush();
    },
  };
}
