/**
 * `videomae push --model DIR --repo user/name [--private] [--revision R] [--message M]`: uploads a
 * model folder (what `videomae train` wrote: config.json, model.safetensors, preprocessor_config.json,
 * training_args.json, trainer_state.json, report.html) with a model card README.md, in one commit
 * (lib/hub/push.ts). The card is written from the folder's own files unless the folder holds a
 * README.md someone wrote by hand. Prints the commit URL on stdout. Also `pushAfterTraining`, the
 * end of `videomae train --push-to-hub`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { VideomaeError } from '../../errors';
import { baseModelId, mayWriteModelCard, modelCardForFolder, type ModelCardDataset } from '../../hub/model-card';
import { baseModelLicense, pushToHub, pushToken } from '../../hub/push';
import { DEFAULT_DATASET, type TrainerPushOptions } from '../../train/hub-callback';
import type { Trainer } from '../../train/trainer';

interface PushCliOptions {
  model: string;
  repo: string;
  private?: boolean;
  revision?: string;
  message?: string;
  token?: string;
  baseModel?: string;
  dataset?: string;
  license?: string;
}

const WEIGHTS = ['model.safetensors', 'model.safetensors.index.json', 'pytorch_model.bin', 'pytorch_model.bin.index.json'];

function datasetOf(id: string | undefined): ModelCardDataset {
  return id ? { type: id, name: id } : DEFAULT_DATASET;
}

async function runPush(options: PushCliOptions): Promise<void> {
  const dir = options.model;
  if (!fs.existsSync(path.join(dir, 'config.json')) || !WEIGHTS.some((f) => fs.existsSync(path.join(dir, f))))
    throw new VideomaeError(`${dir} is not a model folder (it needs config.json and model.safetensors)`, 'ERR_VIDEOMAE_CHECKPOINT');
  const token = pushToken(options.token);
  if (mayWriteModelCard(dir)) {
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    const baseModel = options.baseModel ?? baseModelId(config._name_or_path);
    const license = options.license ?? (baseModel ? await baseModelLicense(baseModel, { token }) : null);
    const card = modelCardForFolder(dir, {
      modelName: options.repo.split('/').pop() as string,
      baseModel,
      license,
      dataset: datasetOf(options.dataset),
    });
    fs.writeFileSync(path.join(dir, 'README.md'), card);
  }
  const result = await pushToHub({
    folder: dir,
    repo: options.repo,
    token,
    ...(options.private !== undefined ? { private: options.private } : {}),
    ...(options.revision ? { revision: options.revision } : {}),
    ...(options.message ? { commitMessage: options.message } : {}),
  });
  process.stderr.write(
    `videomae: pushed ${result.files.length} files to ${result.repoUrl} (${result.revision}, commit ${result.commit.oid.slice(0, 8)})\n`,
  );
  process.stdout.write(`${result.commit.url}\n`);
}

/**
 * After `videomae train --push-to-hub`: trainer.pushToHub() with what the command knows about the
 * run. Returns the exit status: a failed push leaves the trained model on disk and says how to
 * retry, with status 1.
 */
export async function pushAfterTraining(trainer: Trainer, run: { model?: string; dataset?: string }): Promise<number> {
  const options: TrainerPushOptions = { dataset: datasetOf(run.dataset) };
  const base = run.model ? baseModelId(run.model) : null;
  if (base) options.baseModel = base;
  try {
    const result = await trainer.pushToHub(options);
    process.stderr.write(`videomae: pushed the model to ${result.repoUrl} (commit ${result.commit.oid.slice(0, 8)})\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`videomae: ${(error as Error).message}\n`);
    return 1;
  }
}

export function registerPushCommand(program: Command): void {
  program
    .command('push')
    .description('upload a model folder to the Hugging Face Hub with a model card (creates the repository if needed)')
    .requiredOption('--model <dir>', 'model folder (config.json, model.safetensors, …), e.g. the --output of `videomae train`')
    .requiredOption('--repo <id>', 'repository "user/name" (or "name": under your user)')
    .option('--private', 'create the repository private (an existing one keeps its visibility)')
    .option('--revision <branch>', 'branch to commit to (created when missing)', 'main')
    .option('--message <text>', 'commit message', 'Upload model')
    .option('--token <token>', 'access token (default: HF_TOKEN, else the one saved by `videomae login`)')
    .option('--base-model <id>', "model card: the hub model this one was fine-tuned from (default: the config's _name_or_path)")
    .option('--dataset <id>', 'model card: the dataset (hub id); default a local video folder')
    .option('--license <id>', "model card: license (default: the base model's, when the hub says)")
    .action((options: PushCliOptions) => runPush(options));
}
