/**
 * lib/distributed on libtorch's c10d with the Gloo backend: two real processes on 127.0.0.1
 * (test/native/child/dist-worker.js). Collectives give the right values on every rank; DDP
 * (attachProcessGroup + trainStep with gradient accumulation) ends with the same parameters as a
 * single process over the union of the ranks' samples; a rank that exits, a port in use and a
 * missing peer give ERR_VIDEOMAE_DISTRIBUTED instead of a hang.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { availableBackends, initProcessGroup } from '../../lib/distributed';
import { repoRoot, spawnCollect } from '../helpers/run-node';
import { maxAbsDiff, weights } from '../helpers/model-weights';
import { pickFreePort as freePort } from '../../lib/distributed/launcher';

jest.setTimeout(120_000);

const worker = path.join(__dirname, 'child', 'dist-worker.js');
let work: string;

beforeAll(() => {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'lib', 'distributed', 'index.js')))
    throw new Error('dist/ is missing: run `npm run build:ts` (npm test does)');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-dist-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

interface Result extends Record<string, unknown> {
  error?: { code: string; message: string } | null;
}

/** Runs `mode` on ranks 0..world-1 at once; returns each rank's JSON result. */
async function runRanks(mode: string, world: number, extraEnv: Record<string, string> = {}): Promise<Result[]> {
  const port = await freePort();
  const runs = Array.from({ length: world }, (_, rank) => {
    const file = path.join(work, `${mode}-${port}-${rank}.json`);
    const out = path.join(work, `${mode}-${port}-${rank}-model`);
    const env = {
      ...process.env,
      WORLD_SIZE: String(world),
      RANK: String(rank),
      MASTER_ADDR: '127.0.0.1',
      MASTER_PORT: String(port),
      OMP_NUM_THREADS: '1',
      ...extraEnv,
    };
    return spawnCollect(process.execPath, [worker, mode, file, out], { env, timeoutMs: 90_000 }).then((run) => {
      if (!fs.existsSync(file)) throw new Error(`rank ${rank} wrote no result (status ${run.status}, ${run.signal}): ${run.stderr}`);
      return { ...(JSON.parse(fs.readFileSync(file, 'utf8')) as Result), modelDir: out };
    });
  });
  return Promise.all(runs);
}

describe('process group (gloo, two processes)', () => {
  it('this build has the gloo backend', () => {
    expect(availableBackends()).toContain('gloo');
  });

  it('allReduce (sum, avg, max, min), broadcast, allGather and barrier give the same right values on both ranks', async () => {
    const results = await runRanks('collectives', 2);
    for (const r of results) {
      expect(r.error).toBeUndefined();
      expect(r).toMatchObject({
        worldSize: 2,
        backend: 'gloo',
        sum: [3, 30, -1],
        avg: [1.5, 0.5],
        max: [1, 0, 7],
        min: [0, -1],
        broadcast: [101, 102],
        gathered: [
          [0, 5],
          [1, 6],
        ],
        numbers: [1.5, 2],
        busy: 'ERR_VIDEOMAE_BUSY',
      });
    }
    expect(results.map((r) => r.rank)).toEqual([0, 1]);
  });

  it('DDP: two ranks with gradient accumulation end with the parameters of one process over the same samples', async () => {
    const [single] = await runRanks('train-single', 1);
    const ranks = await runRanks('train', 2);
    for (const r of [single!, ...ranks]) expect(r.error).toBeUndefined();
    const info = ranks[0]!.info as { bytesPerSync: number; numBuckets: number };
    // Every trainable float32 parameter is all-reduced once per update.
    const reference = await weights(single!.modelDir as string);
    const elements = Object.values(reference).reduce((n, t) => n + t.length, 0);
    expect(info.bytesPerSync).toBe(4 * elements);
    expect(info.numBuckets).toBeGreaterThanOrEqual(1);
    const rank0 = await weights(ranks[0]!.modelDir as string);
    const rank1 = await weights(ranks[1]!.modelDir as string);
    // The ranks began from different seeds; after the broadcast and averaged gradients they are one model.
    expect(maxAbsDiff(rank0, rank1)).toBe(0);
    expect(maxAbsDiff(rank0, reference)).toBeLessThan(2e-5);
    // Training moved the parameters (the equalities above are not trivially true).
    expect(maxAbsDiff(await weights(`${ranks[0]!.modelDir as string}-initial`), rank0)).toBeGreaterThan(1e-4);
    // And rank 1 started from rank 0's initial weights, not its own seed's.
    expect(
      maxAbsDiff(await weights(`${ranks[0]!.modelDir as string}-initial`), await weights(`${ranks[1]!.modelDir as string}-initial`)),
    ).toBe(0);
    const singleLosses = single!.losses as number[];
    const rankLosses = [ranks[0]!.losses as number[], ranks[1]!.losses as number[]];
    // Micro-batch m of update u: the single run's mean over 2 samples = the mean of rank 0's and rank 1's single samples.
    for (let i = 0; i < singleLosses.length; i++) expect((rankLosses[0]![i]! + rankLosses[1]![i]!) / 2).toBeCloseTo(singleLosses[i]!, 4);
  });

  it('a rank that exits makes the other rank’s next collective fail with ERR_VIDEOMAE_DISTRIBUTED, not hang', async () => {
    const [rank0] = await runRanks('exit-after-join', 2);
    expect(rank0!.error).toMatchObject({ code: 'ERR_VIDEOMAE_DISTRIBUTED' });
    expect(rank0!.error!.message).toMatch(/barrier \(rank 0 of 2\) failed; another rank probably exited/);
    expect(rank0!.ms as number).toBeLessThan(15_000);
  });

  it('a MASTER_PORT in use is a clear rendezvous error on rank 0', async () => {
    const server = net.createServer();
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
    );
    try {
      await expect(initProcessGroup({ rank: 0, worldSize: 2, masterPort: port, timeoutMs: 3000 })).rejects.toMatchObject({
        code: 'ERR_VIDEOMAE_DISTRIBUTED',
        message: expect.stringMatching(
          new RegExp(`rendezvous at 127\\.0\\.0\\.1:${port} \\(rank 0 of 2, hosting the store\\) failed: .*(EADDRINUSE|in use)`),
        ),
      });
    } finally {
      server.close();
    }
  });

  it('a rank whose rank 0 never comes times out with a clear error', async () => {
    const port = await freePort();
    const started = Date.now();
    await expect(initProcessGroup({ rank: 1, worldSize: 2, masterPort: port, timeoutMs: 1000 })).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_DISTRIBUTED',
      message: expect.stringContaining(`rendezvous at 127.0.0.1:${port} (rank 1 of 2, connecting to rank 0's store) failed`),
    });
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('bad arguments and backends this build lacks are refused before any rendezvous', async () => {
    await expect(initProcessGroup({ rank: 2, worldSize: 2 })).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
    await expect(initProcessGroup({ masterPort: 70000, worldSize: 2, rank: 0 })).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_INVALID_ARG',
    });
    await expect(initProcessGroup({ backend: 'nccl', worldSize: 2, rank: 0 })).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_UNSUPPORTED',
      message: expect.stringContaining('no NCCL'),
    });
    await expect(initProcessGroup({ device: 'cuda', worldSize: 2, rank: 0 })).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_UNSUPPORTED' });
  });

  it('a world of one needs no peer: collectives are the identity', async () => {
    const port = await freePort();
    const group = await initProcessGroup({ rank: 0, worldSize: 1, masterPort: port, timeoutMs: 5000 });
    const t = { data: Float32Array.from([1, 2]), shape: [2] };
    await group.allReduce(t, 'avg');
    expect(Array.from(t.data)).toEqual([1, 2]);
    group.destroy();
    await expect(group.barrier()).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_CLOSED' });
  });
});
