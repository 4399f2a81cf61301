'use strict';
// Our side of the parity run: the CLI commands the issue used (synth, train, evaluate) as child
// processes, and, in process, the draws our native DataLoader makes for the same run. Needs the
// built package (dist/, build/Release).
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'bin', 'videomae.js');
// One intra-op thread (libtorch honours OMP_NUM_THREADS); --dataloader-num-workers 1 below.
const ONE_THREAD = { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

function run(args, options = {}) {
  const result = spawnSync(process.execPath, [cli, ...args], { env: ONE_THREAD, encoding: 'utf8', maxBuffer: 1 << 28, ...options });
  if (result.status !== 0) throw new Error(`videomae ${args[0]} failed (${result.status}):\n${result.stderr}`);
  return result.stdout;
}

function synth(dir, recipe) {
  run(
    ['synth', '--output', dir, '--motions', recipe.motions.join(','), '--train', String(recipe.train), '--val', String(recipe.val)].concat([
      '--test',
      String(recipe.test),
      '--width',
      String(recipe.width),
      '--height',
      String(recipe.height),
      '--seed',
      '0',
      '--force',
    ]),
  );
}

/** The tiny fixture with id2label set to the dataset's classes: same shape, so both stacks load every weight (no new head). */
function prepareModel(fixture, dir, classes) {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['model.safetensors', 'preprocessor_config.json']) fs.copyFileSync(path.join(fixture, f), path.join(dir, f));
  const config = JSON.parse(fs.readFileSync(path.join(fixture, 'config.json'), 'utf8'));
  if (Object.keys(config.id2label).length !== classes.length)
    throw new Error(`the fixture has ${Object.keys(config.id2label).length} labels`);
  config.id2label = Object.fromEntries(classes.map((c, i) => [String(i), c]));
  config.label2id = Object.fromEntries(classes.map((c, i) => [c, i]));
  fs.writeFileSync(path.join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
}

/** `videomae train` with the recipe, logging every step; then `videomae evaluate --split test`. */
function trainAndEvaluate({ data, model, output, recipe, seed, trainArgs = [], evalArgs = [] }) {
  run([
    'train',
    '--data',
    data,
    '--model',
    model,
    '--output',
    output,
    '--no-test',
    '--disable-tqdm',
    '--num-train-epochs',
    String(recipe.epochs),
    '--learning-rate',
    String(recipe.lr),
    '--seed',
    String(seed),
    '--per-device-train-batch-size',
    String(recipe.batch),
    '--per-device-eval-batch-size',
    String(recipe.batch),
    '--logging-steps',
    '1',
    '--dataloader-num-workers',
    '1',
    ...trainArgs,
  ]);
  const state = JSON.parse(fs.readFileSync(path.join(output, 'trainer_state.json'), 'utf8'));
  const test = JSON.parse(run(['evaluate', '--data', data, '--model', output, '--split', 'test', '--json', '--workers', '1', ...evalArgs]));
  return { state, test };
}

/** `videomae evaluate` of the untrained copy: the loss both stacks start from, on a deterministic clip set. */
function initialEval(data, model, split, evalArgs = []) {
  return JSON.parse(run(['evaluate', '--data', data, '--model', model, '--split', split, '--json', '--workers', '1', ...evalArgs]));
}

module.exports = { synth, prepareModel, trainAndEvaluate, initialEval, root };
