/**
 * `videomae train --nproc-per-node 2`: the launcher, two Gloo workers and the Trainer's
 * data-parallel mode, end to end through the CLI on a synthetic dataset. Two ranks × batch 1
 * with gradient accumulation train the same model as one process × batch 2 (the same global
 * batch); evaluation covers the whole val and test splits; only rank 0 writes. A SIGINT to the
 * launcher stops both ranks at the same step with one checkpoint, and --resume in distributed
 * mode ends with the uninterrupted run's parameters. A rank killed mid-run stops the job with an
 * error naming it.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthesizeDataset } from '../../lib/data/synth';
import { repoRoot, spawnCollect } from '../helpers/run-node';
import { maxAbsDiff, weights } from '../helpers/model-weights';

jest.setTimeout(240_000);

const cli = path.join(repoRoot, 'bin', 'videomae.js');
let work: string;
let data: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-e2e-ddp-'));
  data = path.join(work, 'data');
  await synthesizeDataset({ output: data, classes: 3, train: 4, val: 2, test: 2, seconds: 1.6, seed: 3 });
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const COMMON = ['--config', 'tiny', '--learning-rate', '1e-3', '--seed', '5', '--warmup-steps', '0'];

function train(out: string, extra: string[]) {
  return spawnCollect(process.execPath, [cli, 'train', '--data', data, '--output', out, ...COMMON, ...extra], {
    env: { ...process.env, OMP_NUM_THREADS: '1' },
    timeoutMs: 180_000,
  });
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
type LogEntry = Record<string, number>;

describe('videomae train --nproc-per-node 2 (gloo on 127.0.0.1)', () => {
  it('trains the model one process trains with the same global batch; metrics cover the whole splits; rank 0 writes', async () => {
    const single = path.join(work, 'single');
    const ddp = path.join(work, 'ddp');
    const schedule = ['--num-train-epochs', '2', '--gradient-accumulation-steps', '2', '--logging-steps', '1'];
    const one = await train(single, [...schedule, '--per-device-train-batch-size', '2']);
    expect(one.status).toBe(0);
    const two = await train(ddp, [...schedule, '--per-device-train-batch-size', '1', '--nproc-per-node', '2']);
    expect(two.status).toBe(0);
    expect(two.stderr).toMatch(/videomae: rank 0 \(pid \d+\) started/);
    expect(two.stderr).toMatch(/videomae: rank 1 \(pid \d+\) started/);
    // Only rank 0 reports: one "model saved" line, and the JSON-lines progress of one process.
    expect(two.stderr.match(/model saved to/g)).toHaveLength(1);
    const logs = (run: { stdout: string }) =>
      run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as LogEntry);
    const oneLogs = logs(one).filter((l) => l.loss !== undefined);
    const twoLogs = logs(two).filter((l) => l.loss !== undefined);
    // 12 videos: one process 6 batches of 2 → 3 updates per epoch; two ranks 6 batches of 1 each → 3 too.
    expect(twoLogs.map((l) => l.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(twoLogs.map((l) => l.step)).toEqual(oneLogs.map((l) => l.step));
    twoLogs.forEach((l, i) => {
      expect(l.loss).toBeCloseTo(oneLogs[i]!.loss!, 5);
      expect(l.grad_norm).toBeCloseTo(oneLogs[i]!.grad_norm!, 4);
      expect(l.learning_rate).toBe(oneLogs[i]!.learning_rate);
    });
    expect(maxAbsDiff(await weights(ddp), await weights(single))).toBeLessThan(2e-5);

    const evals = (dir: string) =>
      ((readJson(path.join(dir, 'trainer_state.json')).log_history as LogEntry[]) ?? []).filter((e) => e.eval_loss !== undefined);
    const [oneEvals, twoEvals] = [evals(single), evals(ddp)];
    expect(twoEvals).toHaveLength(2);
    twoEvals.forEach((e, i) => {
      expect(e.eval_accuracy).toBe(oneEvals[i]!.eval_accuracy);
      expect(e.eval_loss).toBeCloseTo(oneEvals[i]!.eval_loss!, 5);
    });
    const [oneTest, twoTest] = [readJson(path.join(single, 'test_results.json')), readJson(path.join(ddp, 'test_results.json'))];
    expect(twoTest.test_accuracy).toBe(oneTest.test_accuracy);
    expect(twoTest.test_loss as number).toBeCloseTo(oneTest.test_loss as number, 5);
    // The whole test split was evaluated (6 videos), not one rank's half.
    expect(two.stderr).toContain('on 6 videos');

    expect(readJson(path.join(ddp, 'training_args.json'))).toMatchObject({
      world_size: 2,
      per_device_train_batch_size: 1,
      ddp_timeout: 1800,
    });
    expect(readJson(path.join(single, 'training_args.json'))).toMatchObject({ world_size: 1 });
    const state = readJson(path.join(ddp, 'trainer_state.json'));
    expect(state).toMatchObject({ global_step: 6, train_batch_size: 1 });
    expect(readJson(path.join(ddp, 'checkpoint-6', 'rng_state.json'))).toMatchObject({ world_size: 2 });
    // No temporaries or second copies from rank 1.
    expect(fs.readdirSync(ddp).filter((n) => n.includes('tmp'))).toEqual([]);
  });

  it('SIGINT to the launcher stops both ranks after the same step with one checkpoint; --resume continues to the uninterrupted result', async () => {
    const schedule = ['--max-steps', '10', '--per-device-train-batch-size', '1', '--logging-steps', '1', '--nproc-per-node', '2'];
    const quiet = ['--eval-strategy', 'no', '--save-strategy', 'no', '--no-load-best-model-at-end', '--no-test'];
    const full = path.join(work, 'ddp-full');
    expect((await train(full, [...schedule, ...quiet])).status).toBe(0);

    const out = path.join(work, 'ddp-interrupted');
    const child = spawn(process.execPath, [cli, 'train', '--data', data, '--output', out, ...COMMON, ...schedule, ...quiet], {
      cwd: repoRoot,
      env: { ...process.env, OMP_NUM_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.stdout.on('data', (d: Buffer) => {
      if (!sent && d.toString().includes('"step":3')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(sent).toBe(true);
    expect(code).toBe(130);
    const checkpoints = fs.readdirSync(out).filter((n) => /^checkpoint-\d+$/.test(n));
    expect(checkpoints).toHaveLength(1);
    const step = Number(checkpoints[0]!.split('-')[1]);
    expect(step).toBeGreaterThanOrEqual(3);
    expect(step).toBeLessThan(10);
    expect(readJson(path.join(out, checkpoints[0]!, 'trainer_state.json'))).toMatchObject({ global_step: step });

    const resumed = await train(out, [...schedule, ...quiet, '--resume']);
    expect(resumed.status).toBe(0);
    const resumedSteps = resumed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as LogEntry)
      .filter((l) => l.loss !== undefined)
      .map((l) => l.step);
    expect(resumedSteps[0]).toBe(step + 1);
    expect(resumedSteps[resumedSteps.length - 1]).toBe(10);
    expect(maxAbsDiff(await weights(out), await weights(full))).toBe(0);
  });

  it('a rank killed mid-run stops the job with an error naming it, well before any timeout', async () => {
    const out = path.join(work, 'ddp-killed');
    const child = spawn(
      process.execPath,
      [
        cli,
        'train',
        '--data',
        data,
        '--output',
        out,
        ...COMMON,
        '--max-steps',
        '400',
        '--per-device-train-batch-size',
        '1',
        '--logging-steps',
        '1',
        '--nproc-per-node',
        '2',
      ],
      { cwd: repoRoot, env: { ...process.env, OMP_NUM_THREADS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    let killedAt = 0;
    child.stdout.on('data', (d: Buffer) => {
      const pid = /rank 1 \(pid (\d+)\) started/.exec(stderr)?.[1];
      if (!killedAt && pid && d.toString().includes('"step":2')) {
        killedAt = Date.now();
        process.kill(Number(pid), 'SIGKILL');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(killedAt).toBeGreaterThan(0);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/rank 1 \(pid \d+\) failed: killed by SIGKILL/);
    expect(Date.now() - killedAt).toBeLessThan(30_000);
  });
});
