/**
 * SIGINT/SIGTERM with a real child process: the trainer finishes the current step, saves a
 * checkpoint and exits with 128 + signal; a resume from that checkpoint continues the run.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** A child that loads the TypeScript sources through typescript.transpileModule (no build needed). */
function childScript(outputDir: string, resume: boolean): string {
  return `
const fs = require('node:fs');
const ts = require(${JSON.stringify(require.resolve('typescript'))});
require.extensions['.ts'] = (m, file) => m._compile(ts.transpileModule(fs.readFileSync(file, 'utf8'), {
  compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true }, fileName: file }).outputText, file);
const { Trainer } = require(${JSON.stringify(path.join(root, 'lib/train/trainer.ts'))});
const { exitCodeFor } = require(${JSON.stringify(path.join(root, 'lib/train/signals.ts'))});
const { FakeModel, FakeSource } = require(${JSON.stringify(path.join(root, 'test/unit/train-fakes.ts'))});
const model = new FakeModel(6, 3);
model.stepDelayMs = 40;
const trainer = new Trainer({
  model, trainDataset: new FakeSource(40, 6, 3, 4), writeReport: false,
  args: { outputDir: ${JSON.stringify(outputDir)}, maxSteps: ${resume ? 12 : 100000}, saveSteps: 100000, loggingSteps: 1, learningRate: 0.01,
          resumeFromCheckpoint: ${resume} },
});
trainer.train().then((out) => { process.exitCode = exitCodeFor(out.interrupted === 'stop' ? null : out.interrupted); });
`;
}

function runChild(script: string, onStdout: (line: string, child: ReturnType<typeof spawn>) => void) {
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onStdout(line, child);
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('Trainer signal handling (real child process)', () => {
  jest.setTimeout(60000);

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s stops after the current step, saves a checkpoint and exits with %i', async (signal, exitCode) => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-signal-'));
    let sent = false;
    const result = await runChild(childScript(out, false), (line, child) => {
      if (!sent && line.includes('"event":"log"') && line.includes('"step":3')) {
        sent = true;
        child.kill(signal);
      }
    });
    expect(result.stderr).toContain(`${signal} received; stopping after the current step`);
    expect(result.code).toBe(exitCode);
    const checkpoints = fs.readdirSync(out).filter((n) => n.startsWith('checkpoint-'));
    expect(checkpoints).toHaveLength(1);
    const state = JSON.parse(fs.readFileSync(path.join(out, checkpoints[0], 'trainer_state.json'), 'utf8')) as { global_step: number };
    expect(checkpoints[0]).toBe(`checkpoint-${state.global_step}`);
    expect(state.global_step).toBeGreaterThanOrEqual(3);
    expect(result.stdout).toContain(`"event":"save","step":${state.global_step}`);

    const resumed = await runChild(childScript(out, true), () => undefined);
    expect(resumed.code).toBe(0);
    const logged = resumed.stdout
      .split('\n')
      .filter((l) => l.includes('"event":"log"') && l.includes('"loss"'))
      .map((l) => (JSON.parse(l) as { step: number }).step);
    expect(logged[0]).toBe(state.global_step + 1);
    expect(logged[logged.length - 1]).toBe(12);
  });
});
