/**
 * launchWorkers with real child processes: test/e2e/child/fake-worker.js stands in for the
 * training workers and leaves files saying what it saw. Most tests run the launcher in this
 * process; those that signal the launcher run it in a process of its own
 * (test/e2e/child/launch-driver.js, on the compiled dist/ that `npm run build:ts` makes), since
 * a signal sent to jest would reach jest. The tests wait for marker files and log lines, never
 * for a fixed time.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { distributedEnvFromProcess } from '../../lib/distributed/env';
import { launchWorkers, type LaunchOptions, type LaunchResult } from '../../lib/distributed/launcher';
import { repoRoot } from '../helpers/run-node';

const fakeWorker = path.join(__dirname, 'child', 'fake-worker.js');
const driver = path.join(__dirname, 'child', 'launch-driver.js');
const distLauncher = path.join(repoRoot, 'dist', 'lib', 'distributed', 'launcher.js');
const posix = process.platform !== 'win32';

jest.setTimeout(15_000);

let dir: string;
/** Every process a test started, killed afterwards should a failed test leave one behind. */
let started: number[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-launcher-'));
  started = [];
});
afterEach(() => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone, as it should be.
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Log lines as they arrive, with a way to wait for one; the pids of started workers are noted for cleanup. */
class Lines {
  readonly all: string[] = [];
  private waiters: Array<{ re: RegExp; resolve: (m: RegExpExecArray) => void }> = [];

  readonly push = (line: string): void => {
    this.all.push(line);
    const pid = /^videomae: rank \d+ \(pid (\d+)\) started$/.exec(line)?.[1];
    if (pid) started.push(Number(pid));
    this.waiters = this.waiters.filter((w) => {
      const m = w.re.exec(line);
      if (m) w.resolve(m);
      return !m;
    });
  };

  waitFor(re: RegExp): Promise<RegExpExecArray> {
    for (const line of this.all) {
      const m = re.exec(line);
      if (m) return Promise.resolve(m);
    }
    return new Promise((resolve) => this.waiters.push({ re, resolve }));
  }

  /** rank → pid, from the "started" lines. */
  pids(): Map<number, number> {
    const pids = new Map<number, number>();
    for (const line of this.all) {
      const m = /^videomae: rank (\d+) \(pid (\d+)\) started$/.exec(line);
      if (m) pids.set(Number(m[1]), Number(m[2]));
    }
    return pids;
  }
}

/** Runs the fake worker with one mode per local rank, in this process, checking that no signal listener is left behind. */
async function launch(modes: string[], options: Partial<LaunchOptions> = {}, lines = new Lines()): Promise<LaunchResult> {
  const listeners = () => ['SIGINT', 'SIGTERM', 'exit'].map((event) => process.listenerCount(event));
  const before = listeners();
  try {
    return await launchWorkers({
      nprocPerNode: modes.length,
      command: process.execPath,
      args: [fakeWorker, dir, ...modes],
      stopGraceMs: 5000,
      log: lines.push,
      ...options,
    });
  } finally {
    expect(listeners()).toEqual(before);
  }
}

/** Waits for a marker file: the only way a worker can say "I got this far". */
async function waitForFile(name: string): Promise<string> {
  const file = path.join(dir, name);
  while (!fs.existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 10));
  return fs.readFileSync(file, 'utf8');
}

function workerEnv(rank: number): { env: NodeJS.ProcessEnv; cwd: string } {
  return JSON.parse(fs.readFileSync(path.join(dir, `env-${rank}.json`), 'utf8'));
}

describe('launchWorkers: environment', () => {
  it("gives each worker torchrun's variables, one free port for all, and its share of the cores", async () => {
    const lines = new Lines();
    const result = await launch(
      ['env'],
      { nprocPerNode: 3, cores: 7, cwd: dir, env: { ...process.env, KEPT: 'yes', OMP_NUM_THREADS: '99' } },
      lines,
    );
    const pids = lines.pids();
    expect(result).toEqual({
      exitCode: 0,
      failed: null,
      interrupted: null,
      exits: [0, 1, 2].map((rank) => ({ rank, pid: pids.get(rank), code: 0, signal: null })),
    });
    expect(lines.all).toEqual([0, 1, 2].map((rank) => `videomae: rank ${rank} (pid ${pids.get(rank)}) started`));

    const ports = new Set<string | undefined>();
    for (const rank of [0, 1, 2]) {
      const { env, cwd } = workerEnv(rank);
      expect(fs.realpathSync(cwd)).toBe(fs.realpathSync(dir));
      expect(env).toMatchObject({
        RANK: String(rank),
        LOCAL_RANK: String(rank),
        WORLD_SIZE: '3',
        LOCAL_WORLD_SIZE: '3',
        GROUP_RANK: '0',
        MASTER_ADDR: '127.0.0.1',
        OMP_NUM_THREADS: '2', // floor(7 / 3)
        VIDEOMAE_NUM_THREADS: '2',
        KEPT: 'yes',
      });
      ports.add(env.MASTER_PORT);
      // What a worker's own parser makes of it.
      expect(distributedEnvFromProcess(env)).toEqual({
        rank,
        worldSize: 3,
        localRank: rank,
        localWorldSize: 3,
        masterAddr: '127.0.0.1',
        masterPort: Number(env.MASTER_PORT),
      });
    }
    expect(ports.size).toBe(1);
    const [port] = ports;
    expect(Number(port)).toBeGreaterThanOrEqual(1);
    expect(Number(port)).toBeLessThanOrEqual(65535);
  });

  it('gives at least one thread each when the workers outnumber the cores, and keeps a given port', async () => {
    await expect(launch(['env', 'env'], { cores: 1, masterPort: 41234 })).resolves.toMatchObject({ exitCode: 0 });
    for (const rank of [0, 1]) {
      expect(workerEnv(rank).env).toMatchObject({ OMP_NUM_THREADS: '1', VIDEOMAE_NUM_THREADS: '1', MASTER_PORT: '41234' });
    }
  });

  it("numbers the second node's workers after the first node's, and forwards all their output since none is rank 0", async () => {
    const lines = new Lines();
    const result = await launch(['print', 'print'], { nnodes: 2, nodeRank: 1, masterAddr: '10.1.2.3' }, lines);
    expect(result).toMatchObject({ exitCode: 0, failed: null });
    expect(result.exits.map((e) => e.rank)).toEqual([2, 3]);
    for (const [localRank, rank] of [
      [0, 2],
      [1, 3],
    ]) {
      const { env } = workerEnv(rank);
      expect(env).toMatchObject({
        RANK: String(rank),
        LOCAL_RANK: String(localRank),
        WORLD_SIZE: '4',
        LOCAL_WORLD_SIZE: '2',
        GROUP_RANK: '1',
        MASTER_ADDR: '10.1.2.3',
        MASTER_PORT: '29500', // several nodes: no free-port guess, torchrun's default
      });
      expect(distributedEnvFromProcess(env)).toEqual({
        rank,
        worldSize: 4,
        localRank,
        localWorldSize: 2,
        masterAddr: '10.1.2.3',
        masterPort: 29500,
      });
      const forwarded = lines.all.filter((line) => line.startsWith(`[rank ${rank}] `));
      // stdout and stderr are separate pipes: each keeps its order, not their interleaving.
      expect(forwarded.filter((line) => line.includes('out from'))).toEqual([
        `[rank ${rank}] out from ${rank}`,
        `[rank ${rank}] second out from ${rank}`,
      ]);
      expect(forwarded.filter((line) => !line.includes('out from'))).toEqual([
        `[rank ${rank}] err from ${rank}`,
        `[rank ${rank}] last from ${rank}, no newline`,
      ]);
    }
  });
});

describe('launchWorkers: supervision', () => {
  it('stops the others with SIGTERM when one rank fails, and exits with its code', async () => {
    const lines = new Lines();
    const result = await launch(['sleep', 'fail', 'sleep'], {}, lines);
    const pids = lines.pids();
    expect(result).toEqual({
      exitCode: 3,
      failed: { rank: 1, pid: pids.get(1), code: 3, signal: null },
      interrupted: null,
      exits: [
        { rank: 0, pid: pids.get(0), code: null, signal: 'SIGTERM' },
        { rank: 1, pid: pids.get(1), code: 3, signal: null },
        { rank: 2, pid: pids.get(2), code: null, signal: 'SIGTERM' },
      ],
    });
    expect(lines.all.slice(3)).toEqual([
      `videomae: rank 1 (pid ${pids.get(1)}) failed: exit code 3`,
      'videomae: stopping 2 worker(s) (SIGTERM, then SIGKILL after 5000 ms)',
      `videomae: failed: rank 1 (pid ${pids.get(1)}) exit code 3; exit code 3`,
    ]);
  });

  it('sends SIGKILL to a worker that ignores SIGTERM once the grace period is over', async () => {
    const lines = new Lines();
    const timed = lines.waitFor(/failed: exit code 3$/).then(() => Date.now());
    const result = await launch(['stubborn', 'fail'], { stopGraceMs: 300 }, lines);
    const waited = Date.now() - (await timed);
    const pids = lines.pids();
    expect(result.exitCode).toBe(3);
    expect(result.failed).toMatchObject({ rank: 1, code: 3 });
    expect(result.exits[0]).toEqual({ rank: 0, pid: pids.get(0), code: null, signal: 'SIGKILL' });
    expect(lines.all).toContain(`videomae: rank 0 (pid ${pids.get(0)}) still running after 300 ms; sending SIGKILL`);
    expect(waited).toBeGreaterThanOrEqual(290); // timers may fire a millisecond early
  });

  it('reports a worker killed from outside as killed by SIGKILL, exits 1 and stops the others', async () => {
    const lines = new Lines();
    const running = launch(['sleep', 'sleep', 'sleep'], {}, lines);
    await Promise.all([0, 1, 2].map((rank) => waitForFile(`ready-${rank}`)));
    const victim = lines.pids().get(1)!;
    process.kill(victim, 'SIGKILL');
    const result = await running;
    expect(result.exitCode).toBe(1);
    expect(result.failed).toEqual({ rank: 1, pid: victim, code: null, signal: 'SIGKILL' });
    expect(result.exits.map((e) => e.signal)).toEqual(['SIGTERM', 'SIGKILL', 'SIGTERM']);
    expect(lines.all).toContain(`videomae: rank 1 (pid ${victim}) failed: killed by SIGKILL`);
    expect(lines.all.at(-1)).toBe(`videomae: failed: rank 1 (pid ${victim}) killed by SIGKILL; exit code 1`);
  });

  it('rejects a command that does not exist, naming it, with nothing left running', async () => {
    const lines = new Lines();
    const missing = path.join(dir, 'no-such-command');
    const error = await launch(['env', 'env'], { command: missing }, lines).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'VideomaeError',
      code: 'ERR_VIDEOMAE_INVALID_ARG',
      message: `could not start worker rank 0: ${missing}: no such command (ENOENT)`,
    });
    expect(lines.all).toEqual([]);
  });

  it.each([
    [{ nprocPerNode: 0 }, 'Expected an integer ≥ 1 for nprocPerNode but received 0'],
    [{ nprocPerNode: 1.5 }, 'Expected an integer ≥ 1 for nprocPerNode but received 1.5'],
    [{ nnodes: 0 }, 'Expected an integer ≥ 1 for nnodes but received 0'],
    [{ nnodes: 2, nodeRank: 2 }, 'Expected an integer in 0..1 for nodeRank but received 2'],
    [{ nodeRank: -1 }, 'Expected an integer in 0..0 for nodeRank but received -1'],
    [{ masterPort: 0 }, 'Expected an integer in 1..65535 for masterPort but received 0'],
    [{ masterPort: 65536 }, 'Expected an integer in 1..65535 for masterPort but received 65536'],
    [{ masterAddr: '' }, 'Expected a host name or address for masterAddr but received ""'],
    [{ command: '' }, 'Expected a non-empty string for command but received ""'],
    [{ cores: 0 }, 'Expected an integer ≥ 1 for cores but received 0'],
    [{ stopGraceMs: -1 }, 'Expected a number of milliseconds ≥ 0 for stopGraceMs but received -1'],
  ])('validates its options before starting anything: %j', async (options, message) => {
    const lines = new Lines();
    await expect(launch(['env'], options, lines)).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG', message });
    expect(lines.all).toEqual([]);
  });
});

interface DriverRun {
  status: number | null;
  stdout: string;
  stderr: string;
  result: LaunchResult & { listeners: number };
}

/** The launcher in a process of its own (a group of its own, like a shell job), signalled by `drive` once it returns. */
function driveLauncher(
  options: Partial<LaunchOptions> & { modes: string[] },
  drive: (pid: number, lines: Lines) => Promise<void>,
): Promise<DriverRun> {
  const { modes, ...rest } = options;
  const launchOptions: LaunchOptions = {
    nprocPerNode: modes.length,
    command: process.execPath,
    args: [fakeWorker, dir, ...modes],
    stopGraceMs: 5000,
    ...rest,
  };
  const resultFile = path.join(dir, 'result.json');
  const child = spawn(process.execPath, [driver, distLauncher, JSON.stringify(launchOptions), resultFile], {
    detached: posix,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child.pid!);
  const lines = new Lines();
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    const split = (pending + d).split('\n');
    pending = split.pop()!;
    split.forEach(lines.push);
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  return drive(child.pid!, lines).then(async () => {
    const status = await closed;
    const result = fs.existsSync(resultFile) ? JSON.parse(fs.readFileSync(resultFile, 'utf8')) : null;
    return { status, stdout, stderr, result };
  });
}

describe('launchWorkers as its own process', () => {
  beforeAll(() => {
    if (!fs.existsSync(distLauncher)) throw new Error('dist/ is missing: run `npm run build:ts` (npm test does)');
    for (const source of ['launcher.ts', 'env.ts'])
      if (fs.statSync(path.join(repoRoot, 'lib', 'distributed', source)).mtimeMs > fs.statSync(distLauncher).mtimeMs)
        throw new Error(`dist/ is older than lib/distributed/${source}: run \`npm run build:ts\` (npm test does)`);
  });

  it("lets rank 0 write to the launcher's stdout and stderr directly, and labels the others' output on stderr", async () => {
    const run = await driveLauncher({ modes: ['print', 'print'] }, async () => {});
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('out from 0\nsecond out from 0\n');
    expect(run.stderr).toContain('err from 0\nlast from 0, no newline');
    expect(run.stderr).not.toContain('[rank 0]');
    // Rank 1's stdout and stderr reach the launcher through separate pipes, and rank 0 writes to
    // the same stderr meanwhile: each stream keeps its order, not their interleaving (rank 0's last
    // line, with no newline, may even run into one of rank 1's).
    const forwarded = run.stderr.match(/\[rank 1\] [^\n]*\n/g) ?? [];
    expect(forwarded.filter((line) => line.includes('out from'))).toEqual(['[rank 1] out from 1\n', '[rank 1] second out from 1\n']);
    expect(forwarded.filter((line) => !line.includes('out from'))).toEqual(['[rank 1] err from 1\n', '[rank 1] last from 1, no newline\n']);
    expect(run.result).toMatchObject({ exitCode: 0, listeners: 0 });
  });

  (posix ? it.each : it.skip.each)([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    'forwards a %s sent to its process group exactly once to every worker, waits for them to save, and exits %i',
    async (signal, exitCode) => {
      const run = await driveLauncher({ modes: ['save'], nprocPerNode: 3, env: { ...process.env, SAVE_MS: '200' } }, async (pid) => {
        await Promise.all([0, 1, 2].map((rank) => waitForFile(`ready-${rank}`)));
        // As a terminal's Ctrl-C does: to the launcher's whole process group. The workers have
        // groups of their own, so they hear it only from the launcher.
        process.kill(-pid, signal);
      });
      expect(run.status).toBe(exitCode);
      for (const rank of [0, 1, 2]) expect(fs.readFileSync(path.join(dir, `saved-${rank}`), 'utf8')).toBe(`${signal} 1`);
      expect(run.result).toMatchObject({ exitCode, interrupted: signal, failed: null, listeners: 0 });
      expect(run.result.exits.map((e) => [e.rank, e.code, e.signal])).toEqual([0, 1, 2].map((rank) => [rank, exitCode, null]));
      expect(run.stderr).toContain(
        `videomae: ${signal} received; forwarded to 3 worker(s), waiting for them to exit (send it again to kill them)\n`,
      );
      expect(run.stderr).toMatch(new RegExp(`videomae: interrupted by ${signal}; all workers exited; exit code ${exitCode}\n$`));
    },
  );

  (posix ? it : it.skip)('kills every worker on a second SIGINT', async () => {
    const run = await driveLauncher({ modes: ['ignore-sigint'], nprocPerNode: 2 }, async (pid, lines) => {
      await Promise.all([0, 1].map((rank) => waitForFile(`ready-${rank}`)));
      process.kill(pid, 'SIGINT');
      await lines.waitFor(/SIGINT received/);
      await Promise.all([0, 1].map((rank) => waitForFile(`signals-${rank}`)));
      process.kill(pid, 'SIGINT');
    });
    expect(run.status).toBe(130);
    expect(run.result).toMatchObject({ exitCode: 130, interrupted: 'SIGINT', failed: null, listeners: 0 });
    expect(run.result.exits.map((e) => e.signal)).toEqual(['SIGKILL', 'SIGKILL']);
    expect(run.stderr).toContain('videomae: SIGINT again; killing the 2 remaining worker(s)\n');
  });

  (posix ? it : it.skip)('reports a worker that fails instead of saving when interrupted', async () => {
    const run = await driveLauncher({ modes: ['save', 'fail-on-signal'] }, async (pid) => {
      await Promise.all([0, 1].map((rank) => waitForFile(`ready-${rank}`)));
      process.kill(pid, 'SIGTERM');
    });
    expect(run.status).toBe(1);
    expect(run.result).toMatchObject({ exitCode: 1, interrupted: 'SIGTERM', failed: { rank: 1, code: 1, signal: null } });
    expect(run.result.exits[0]).toMatchObject({ rank: 0, code: 143 });
    expect(run.stderr).toMatch(/videomae: rank 1 \(pid \d+\) failed while stopping: exit code 1\n/);
    expect(run.stderr).toMatch(/videomae: failed: rank 1 \(pid \d+\) exit code 1 after SIGTERM; exit code 1\n$/);
  });

  (posix ? it : it.skip)('kills the workers when the process running the launcher exits under it', async () => {
    let pids = new Map<number, number>();
    const run = await driveLauncher({ modes: ['stubborn', 'save'] }, async (pid, lines) => {
      await Promise.all([0, 1].map((rank) => waitForFile(`ready-${rank}`)));
      pids = lines.pids();
      process.kill(pid, 'SIGUSR2');
    });
    expect(run.status).toBe(5);
    expect(run.result).toBeNull();
    // Gone, or dead and waiting for whoever inherited them to reap them.
    const dead = (pid: number) => /^(Z.*)?$/.test(spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim());
    for (const pid of pids.values()) while (!dead(pid)) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(pids.size).toBe(2);
    expect(fs.existsSync(path.join(dir, 'saved-1'))).toBe(false); // SIGKILL, not a signal it could answer
  });
});
