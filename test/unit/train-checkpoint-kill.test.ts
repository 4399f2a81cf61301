/**
 * What a kill -9 in the middle of deleting or replacing a checkpoint leaves behind
 * (scripts/crash-consistency.js finds these with real SIGKILLs; here they are simulated): a folder
 * named checkpoint-<step> is always complete, so --resume never picks a partly deleted one.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertResumable, latestCheckpoint, listCheckpoints, removeStaleTemporaries } from '../../lib/train/checkpoint';
import type { TrainingArgumentsInput } from '../../lib/train/training-args';
import { checkpointTrainer } from './train-fakes';

const made: string[] = [];
function tmpDir(): string {
  made.push(fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-ckpt-kill-')));
  return made[made.length - 1];
}
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

afterEach(() => jest.restoreAllMocks());

describe('checkpoints under kill -9', () => {
  it('dying while the final clean-up (saveTotalLimit 1) deletes the newest checkpoint leaves no partly deleted checkpoint-N', async () => {
    const out = tmpDir();
    const args: Partial<TrainingArgumentsInput> = {
      numTrainEpochs: 6,
      evalStrategy: 'epoch',
      saveStrategy: 'epoch',
      loadBestModelAtEnd: true,
      metricForBestModel: 'accuracy',
      saveTotalLimit: 1,
      learningRate: 0.3,
    };
    const { trainer, model } = checkpointTrainer(out, args);
    // As in train-checkpoint.test.ts: epochs after the first are worse, so the best is not the newest.
    trainer.addCallback({ onSave: (_a, state) => void (state.globalStep === 3 && model.params.reverse()) });
    // From onTrainEnd on, a recursive delete of a checkpoint dies after its first file (fs.rmSync
    // unlinks model.safetensors before trainer_state.json), as a SIGKILL there would.
    let armed = false;
    trainer.addCallback({ onTrainEnd: () => void (armed = true) });
    // The module object itself (the `import * as fs` namespace has getters only; lib/ reads through them).
    const nodeFs = jest.requireActual<typeof fs>('node:fs');
    const realRm = nodeFs.rmSync;
    jest.spyOn(nodeFs, 'rmSync').mockImplementation((target, options) => {
      const weights = path.join(String(target), 'model.safetensors');
      if (armed && /checkpoint-\d+/.test(path.basename(String(target))) && fs.existsSync(weights)) {
        fs.unlinkSync(weights);
        throw new Error('killed (simulated)');
      }
      return realRm(target, options);
    });
    await expect(trainer.train()).rejects.toThrow('killed (simulated)');
    jest.restoreAllMocks();

    expect(trainer.state.bestGlobalStep).toBeLessThan(18);
    for (const dir of listCheckpoints(out)) expect(() => assertResumable(dir)).not.toThrow();
    expect(listCheckpoints(out).map((d) => path.basename(d))).toEqual([`checkpoint-${trainer.state.bestGlobalStep}`]);
    expect(removeStaleTemporaries(out)).toEqual([expect.stringMatching(/^checkpoint-18\.del-\d+$/)]);

    // --resume picks the best (now the latest) checkpoint and finishes with the best model.
    const resumed = checkpointTrainer(out, { ...args, resumeFromCheckpoint: true });
    await resumed.trainer.train();
    expect(latestCheckpoint(out)).toBe(path.join(out, `checkpoint-${trainer.state.bestGlobalStep}`));
  });

  it('a replacement killed between its two renames is undone: the old checkpoint comes back under its name', () => {
    const out = tmpDir();
    const old = path.join(out, 'checkpoint-6.old-999999999');
    fs.mkdirSync(old);
    fs.writeFileSync(path.join(old, 'trainer_state.json'), '{}');
    fs.mkdirSync(path.join(out, 'checkpoint-6.tmp-999999999'));
    fs.mkdirSync(path.join(out, 'checkpoint-4.del-999999999'));
    // An old folder whose replacement did land is removed like any temporary.
    fs.mkdirSync(path.join(out, 'checkpoint-2'));
    fs.writeFileSync(path.join(out, 'checkpoint-2', 'trainer_state.json'), '{}');
    fs.mkdirSync(path.join(out, 'checkpoint-2.old-999999999'));
    expect(removeStaleTemporaries(out).sort()).toEqual(
      ['checkpoint-2.old-999999999', 'checkpoint-4.del-999999999', 'checkpoint-6.tmp-999999999'].sort(),
    );
    expect(fs.readdirSync(out).sort()).toEqual(['checkpoint-2', 'checkpoint-6']);
    expect(latestCheckpoint(out)).toBe(path.join(out, 'checkpoint-6'));
  });
});
