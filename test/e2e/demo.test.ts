/**
 * The demo recipe end to end at a tiny scale (3 motions, a handful of videos, 1 epoch, the tiny
 * model at the recipe's 64 px): synthesize → train → test → report → classify the held-out video,
 * with the files a user is told about. The full recipe (≥ 90 % in minutes) is `npm run demo`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEMO_MOTIONS, DEMO_RECIPE, type DemoRecipe } from '../../lib/demo/recipe';
import { runDemo } from '../../lib/demo/run-demo';
import { synthMotions } from '../../lib/data/synth';

jest.setTimeout(120_000);

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-e2e-demo-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test('the demo recipe names ten distinct synthetic motions and a 64 px model fed by 32-frame videos', () => {
  expect(new Set(DEMO_MOTIONS).size).toBe(10);
  for (const motion of DEMO_MOTIONS) expect(synthMotions()).toContain(motion);
  expect(DEMO_RECIPE.data).toMatchObject({ width: 64, height: 64, seconds: 1.28 });
  expect(DEMO_RECIPE.configOverrides).toMatchObject({ image_size: 64 });
  expect(DEMO_RECIPE.flip).toBe(false);
});

test('a tiny version of the recipe runs end to end and writes the model, the report and the test results', async () => {
  const recipe: DemoRecipe = {
    ...DEMO_RECIPE,
    data: { ...DEMO_RECIPE.data, motions: ['MoveRight', 'MoveLeft', 'Grow'], train: 4, val: 2, test: 2 },
    preset: 'tiny',
    training: { ...DEMO_RECIPE.training, numTrainEpochs: 1, perDeviceTrainBatchSize: 4, perDeviceEvalBatchSize: 4, disableTqdm: true },
  };
  const lines: string[] = [];
  const result = await runDemo({ output: path.join(work, 'out'), recipe, log: (line) => lines.push(line) });

  expect(lines.filter((l) => l.startsWith('['))).toHaveLength(4);
  expect(fs.readdirSync(path.join(result.dataDir, 'train')).sort()).toEqual(['Grow', 'MoveLeft', 'MoveRight']);
  const config = JSON.parse(fs.readFileSync(path.join(result.modelDir, 'config.json'), 'utf8'));
  expect(config).toMatchObject({ image_size: 64, num_frames: 8, hidden_size: 64 });
  expect(Object.values(config.id2label).sort()).toEqual(['Grow', 'MoveLeft', 'MoveRight']);
  const processor = JSON.parse(fs.readFileSync(path.join(result.modelDir, 'preprocessor_config.json'), 'utf8'));
  expect(processor).toMatchObject({ crop_size: { height: 64, width: 64 }, size: { shortest_edge: 64 } });
  const testResults = JSON.parse(fs.readFileSync(path.join(result.modelDir, 'test_results.json'), 'utf8'));
  expect(testResults.test_accuracy).toBe(result.testAccuracy);
  // 32-frame videos are one clip each: the accuracy is a multiple of 1/6 (2 test videos × 3 classes)
  expect(Math.abs(result.testAccuracy * 6 - Math.round(result.testAccuracy * 6))).toBeLessThan(1e-9);
  expect(fs.existsSync(result.reportPath)).toBe(true);
  expect(result.prediction.trueLabel).toBe('MoveLeft');
  expect(result.prediction.predictions.map((p) => p.label).sort()).toEqual(['Grow', 'MoveLeft', 'MoveRight']);
  const total = result.prediction.predictions.reduce((sum, p) => sum + p.score, 0);
  expect(total).toBeCloseTo(1, 5);
});
