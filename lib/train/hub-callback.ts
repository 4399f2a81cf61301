/**
 * Pushing a training run to the Hugging Face Hub as HF's Trainer does with push_to_hub=True
 * (transformers' init_hf_repo, _push_from_checkpoint, _finish_current_push, push_to_hub):
 *
 * - the repo is `hubModelId`, else the output folder's name, under the token's user; it is
 *   created (exist_ok) before the first push;
 * - at every checkpoint save, unless hubStrategy is "end": the checkpoint's model files
 *   (config.json, weights, preprocessor_config.json, training_args.json) go to the repo root in
 *   one commit "Training in progress, step N" ("epoch N" unless saveStrategy is "steps"); with
 *   "checkpoint" the whole checkpoint folder also goes to last-checkpoint/, with
 *   "all_checkpoints" to checkpoint-N/, in a second commit "…, checkpoint";
 * - a save while a push is still running is not pushed (unless hubAlwaysPush, which queues it);
 * - train() waits for the running push before returning; trainer.pushToHub() saves the model,
 *   writes the model card README.md and uploads the output folder ("End of training").
 *
 * Where we go beyond HF: each root push carries a draft model card of the run so far; the files
 * of a save are hard-linked into a hidden staging folder first, so checkpoint rotation or the next
 * save cannot change them mid-upload; a push that fails is logged (token-free) and never stops
 * training — the next save pushes the newer state, and with "all_checkpoints" the checkpoint
 * folders that failed are pushed again with it while they still exist.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideomaeError } from '../errors';
import { baseModelId, mayWriteModelCard, modelCardForFolder, renderModelCard, type ModelCardDataset } from '../hub/model-card';
import {
  baseModelLicense,
  ensureRepo,
  fullRepoId,
  listFolderFiles,
  pushToHub,
  pushToken,
  DEFAULT_IGNORE,
  type PushResult,
} from '../hub/push';
import { describeFailure, hubEndpoint } from '../hub/token';
import type { CallbackEvent, TrainerCallback } from './callbacks';
import { stepOf } from './checkpoint';
import type { TrainerState } from './trainer-state';
import { trainingArgumentsToJson, type TrainingArguments } from './training-args';
import { isProcessAlive } from '../process-alive';

/** What the session needs from the Trainer. */
export interface HubHost {
  readonly args: TrainingArguments;
  readonly state: TrainerState;
  readonly model: { readonly config: Record<string, unknown> };
  saveModel(dir?: string): Promise<void>;
}

export interface HubPushRecord {
  step: number;
  commitMessage: string;
  /** Where in the repo: '' (the root), 'last-checkpoint', 'checkpoint-N' (several, comma-joined, on a retry). */
  pathInRepo: string;
  ok: boolean;
  commit?: string;
  /** Token-free. */
  error?: string;
}

export interface HubPushReport {
  /** The full "user/name", once known. */
  repo: string | null;
  records: HubPushRecord[];
  /** Steps whose save was not pushed because a push was still running (HF's rule without hub_always_push). */
  skippedSteps: number[];
  failed: number;
  lastError: string | null;
}

/** trainer.pushToHub() options: HF's push_to_hub arguments and the create_model_card ones it forwards. */
export interface TrainerPushOptions {
  /** Default "End of training". */
  commitMessage?: string;
  token?: string;
  revision?: string;
  /** HF's finetuned_from; default: the config's _name_or_path when it names a hub model. null: none. */
  baseModel?: string | null;
  /** Default: the base model's license tag on the hub, when it has one. */
  license?: string | null;
  language?: string[];
  tags?: string[];
  /** Default: a local video folder ("videofolder", as HF's cards name local image folders "imagefolder"). null: unknown. */
  dataset?: ModelCardDataset | null;
  /** The card's title; default the repo's name. */
  modelName?: string;
}

const MODEL_FILES = ['config.json', 'model.safetensors', 'pytorch_model.bin', 'preprocessor_config.json', 'training_args.json'];
const INDEX_FILES = ['model.safetensors.index.json', 'pytorch_model.bin.index.json'];
const STAGING = /^\.hub-push-(\d+)-\d+$/;
export const DEFAULT_DATASET: ModelCardDataset = { type: 'videofolder', name: 'videofolder', config: 'default', args: 'default' };

interface PushPart {
  folder: string;
  files: string[];
  message: string;
  pathInRepo: string;
  /** Checkpoint folders this part carries (all_checkpoints), to forget or retry after it. */
  checkpoints: string[];
  /** all_checkpoints: take along the folders whose push failed before this one runs. */
  retryFailed: boolean;
}

interface Job {
  step: number;
  staging: string;
  parts: PushPart[];
}

function linkOrCopy(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  try {
    fs.linkSync(from, to); // the same inode: later renames or deletions of `from` do not touch it
  } catch {
    fs.copyFileSync(from, to);
  }
}

/** The model files of a checkpoint HF copies to the root: config, weights (with shards when indexed), processor, args. */
function rootFilesOf(checkpoint: string): string[] {
  const files = MODEL_FILES.filter((f) => fs.existsSync(path.join(checkpoint, f)));
  for (const index of INDEX_FILES) {
    const file = path.join(checkpoint, index);
    if (!fs.existsSync(file)) continue;
    const map = (JSON.parse(fs.readFileSync(file, 'utf8')) as { weight_map?: Record<string, string> }).weight_map ?? {};
    files.push(index, ...new Set(Object.values(map)));
  }
  return [...new Set(files)].sort();
}

export class HubPushSession {
  readonly callback: TrainerCallback;
  private readonly report_: HubPushReport = { repo: null, records: [], skippedSteps: [], failed: 0, lastError: null };
  private queue: Promise<void> = Promise.resolve();
  private running = 0;
  private seq = 0;
  private readonly ensured = new Set<string>();
  private repoPromise: Promise<string> | null = null;
  private readonly failedCheckpoints = new Set<string>();

  constructor(
    private readonly host: HubHost,
    private readonly log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {
    this.callback = {
      onTrainBegin: () => this.onTrainBegin(),
      onSave: (_args, _state, _control, event: CallbackEvent) => this.onSave(event.checkpoint),
    };
  }

  /** What the pushes so far did (a copy). */
  report(): HubPushReport {
    return { ...this.report_, records: this.report_.records.map((r) => ({ ...r })), skippedSteps: [...this.report_.skippedSteps] };
  }

  /** HF's _finish_current_push: resolves when every queued push has finished (they never reject). */
  async waitForPushes(): Promise<void> {
    if (this.running) this.log('videomae: waiting for the current hub push to finish');
    await this.queue;
  }

  private get outputDir(): string {
    return this.host.args.outputDir;
  }

  private token(explicit?: string): string {
    return pushToken(explicit ?? this.host.args.hubToken);
  }

  /** HF's init_hf_repo: the full repo id, created if missing. Retried after a failure. */
  private repoId(token: string, revision = this.host.args.hubRevision ?? 'main'): Promise<string> {
    const hubUrl = hubEndpoint();
    this.repoPromise ??= fullRepoId(this.host.args.hubModelId ?? path.basename(path.resolve(this.outputDir)), { token, hubUrl });
    const resolved = this.repoPromise.then(async (repo) => {
      this.report_.repo = repo;
      if (!this.ensured.has(revision)) {
        const visibility = this.host.args.hubPrivateRepo === null ? {} : { private: this.host.args.hubPrivateRepo };
        await ensureRepo(repo, { token, hubUrl, revision, ...visibility });
        this.ensured.add(revision);
      }
      return repo;
    });
    resolved.catch(() => (this.repoPromise = null));
    return resolved;
  }

  private onTrainBegin(): void {
    // Staging folders of a process that died mid-push.
    if (fs.existsSync(this.outputDir)) {
      for (const name of fs.readdirSync(this.outputDir)) {
        const m = STAGING.exec(name);
        if (m && (Number(m[1]) === process.pid || !isProcessAlive(Number(m[1]))))
          fs.rmSync(path.join(this.outputDir, name), { recursive: true, force: true });
      }
    }
    if (this.host.args.hubStrategy === 'end') return;
    try {
      this.token();
    } catch (error) {
      this.log(`videomae: ${(error as Error).message}; training goes on, but nothing will be pushed until a token is found`);
    }
  }

  private onSave(checkpoint: string | undefined): void {
    const args = this.host.args;
    if (args.hubStrategy === 'end' || !checkpoint) return;
    const step = this.host.state.globalStep;
    if (this.running && !args.hubAlwaysPush) {
      this.report_.skippedSteps.push(step);
      this.log(`videomae: the previous hub push is still running; step ${step} is not pushed (hubAlwaysPush queues every save)`);
      return;
    }
    let job: Job;
    const staging = path.join(this.outputDir, `.hub-push-${process.pid}-${++this.seq}`);
    try {
      job = this.stage(checkpoint, step, staging);
    } catch (error) {
      fs.rmSync(staging, { recursive: true, force: true });
      this.fail(step, `Training in progress, step ${step}`, '', `cannot stage ${checkpoint} for the push: ${describeFailure(error)}`);
      return;
    }
    this.running += 1;
    this.queue = this.queue
      .then(() => this.run(job))
      .catch(() => undefined) // run() records its own failures; the queue must never reject
      .finally(() => (this.running -= 1));
  }

  /** Hard-links what this save pushes into a hidden folder, laid out as it goes into the repo. */
  private stage(checkpoint: string, step: number, staging: string): Job {
    const args = this.host.args;
    const message =
      args.saveStrategy === 'steps'
        ? `Training in progress, step ${step}`
        : `Training in progress, epoch ${Math.trunc(this.host.state.epoch)}`;
    const root = path.join(staging, 'root');
    const rootFiles = rootFilesOf(checkpoint);
    for (const file of rootFiles) linkOrCopy(path.join(checkpoint, file), path.join(root, file));
    // A draft card of the run so far; the checkpoint holds the state and args of this save.
    fs.writeFileSync(path.join(root, 'README.md'), modelCardForFolder(checkpoint, this.cardDefaults()));
    const parts: PushPart[] = [
      { folder: root, files: [...rootFiles, 'README.md'].sort(), message, pathInRepo: '', checkpoints: [], retryFailed: false },
    ];
    if (args.hubStrategy === 'checkpoint' || args.hubStrategy === 'all_checkpoints') {
      const all = args.hubStrategy === 'all_checkpoints';
      const folder = path.join(staging, 'checkpoints');
      const name = all ? path.basename(checkpoint) : 'last-checkpoint';
      for (const file of listFolderFiles(checkpoint, [])) linkOrCopy(path.join(checkpoint, file), path.join(folder, name, file));
      parts.push({
        folder,
        files: listFolderFiles(folder, []),
        message: `${message}, checkpoint`,
        pathInRepo: name,
        checkpoints: all ? [checkpoint] : [],
        retryFailed: all,
      });
    }
    return { step, staging, parts };
  }

  /**
   * all_checkpoints: adds the folders whose push failed (and that are still on disk: rotation may
   * have removed some, which are given up, and said so) to this checkpoint commit. Done when the
   * push runs, not at the save: an earlier queued push may fail in between.
   */
  private addFailedCheckpoints(part: PushPart): void {
    const current = new Set(part.checkpoints.map((d) => path.resolve(d)));
    const retries: string[] = [];
    for (const dir of [...this.failedCheckpoints].sort((a, b) => (stepOf(a) ?? 0) - (stepOf(b) ?? 0))) {
      if (current.has(path.resolve(dir))) continue;
      if (!fs.existsSync(dir)) {
        this.failedCheckpoints.delete(dir);
        this.log(`videomae: ${path.basename(dir)} was rotated away before it could be pushed again`);
        continue;
      }
      for (const file of listFolderFiles(dir, [])) linkOrCopy(path.join(dir, file), path.join(part.folder, path.basename(dir), file));
      retries.push(dir);
    }
    if (!retries.length) return;
    part.checkpoints = [...retries, ...part.checkpoints];
    part.pathInRepo = part.checkpoints.map((d) => path.basename(d)).join(',');
    part.files = listFolderFiles(part.folder, []);
  }

  private async run(job: Job): Promise<void> {
    try {
      let repo: string;
      let token: string;
      try {
        token = this.token();
        repo = await this.repoId(token);
      } catch (error) {
        for (const part of job.parts) this.partFailed(job.step, part, describeFailure(error, this.host.args.hubToken ?? undefined));
        return;
      }
      for (const part of job.parts) {
        try {
          if (part.retryFailed) this.addFailedCheckpoints(part);
          const result = await pushToHub({
            folder: part.folder,
            files: part.files,
            repo,
            token,
            revision: this.host.args.hubRevision ?? 'main',
            commitMessage: part.message,
            skipCreateRepo: true,
          });
          this.report_.records.push({
            step: job.step,
            commitMessage: part.message,
            pathInRepo: part.pathInRepo,
            ok: true,
            commit: result.commit.oid,
          });
          for (const dir of part.checkpoints) this.failedCheckpoints.delete(dir);
        } catch (error) {
          this.partFailed(job.step, part, describeFailure(error, token));
        }
      }
    } finally {
      fs.rmSync(job.staging, { recursive: true, force: true });
    }
  }

  private partFailed(step: number, part: PushPart, error: string): void {
    for (const dir of part.checkpoints) this.failedCheckpoints.add(dir);
    this.fail(step, part.message, part.pathInRepo, error);
  }

  private fail(step: number, commitMessage: string, pathInRepo: string, error: string): void {
    this.report_.records.push({ step, commitMessage, pathInRepo, ok: false, error });
    this.report_.failed += 1;
    this.report_.lastError = error;
    const where = pathInRepo ? ` (${pathInRepo})` : '';
    this.log(
      `videomae: hub push of step ${step}${where} failed: ${error}; the files stay in ${this.outputDir}, the next save pushes again`,
    );
  }

  private cardDefaults(): { modelName: string; dataset: ModelCardDataset } {
    const id = this.report_.repo ?? this.host.args.hubModelId ?? path.basename(path.resolve(this.outputDir));
    return { modelName: id.split('/').pop() as string, dataset: DEFAULT_DATASET };
  }

  /** HF's create_model_card, from the live state (it includes evaluations made after train()). */
  private async finalCard(options: TrainerPushOptions, token: string): Promise<string> {
    const configFile = path.join(this.outputDir, 'config.json');
    const config = fs.existsSync(configFile) ? (JSON.parse(fs.readFileSync(configFile, 'utf8')) as Record<string, unknown>) : {};
    const extra = (this.host.model.config.extra ?? {}) as Record<string, unknown>;
    const baseModel =
      options.baseModel !== undefined
        ? options.baseModel
        : baseModelId(config._name_or_path ?? this.host.model.config._name_or_path ?? extra._name_or_path);
    const license = options.license !== undefined ? options.license : baseModel ? await baseModelLicense(baseModel, { token }) : null;
    return renderModelCard({
      ...this.cardDefaults(),
      ...(options.modelName ? { modelName: options.modelName } : {}),
      baseModel,
      license,
      ...(options.language ? { language: options.language } : {}),
      ...(options.tags ? { tags: options.tags } : {}),
      dataset: options.dataset !== undefined ? options.dataset : DEFAULT_DATASET,
      logHistory: this.host.state.logHistory,
      trainingArgs: trainingArgumentsToJson(this.host.args),
      config,
    });
  }

  /**
   * HF's trainer.push_to_hub: save the model into outputDir, write the model card, wait for the
   * running push, upload outputDir (without checkpoint-* and _* entries) in one commit. A failure
   * throws a token-free VideomaeError; nothing local is touched by it.
   */
  async pushFinal(options: TrainerPushOptions = {}): Promise<PushResult> {
    const args = this.host.args;
    const token = this.token(options.token);
    const revision = options.revision ?? args.hubRevision ?? 'main';
    await this.host.saveModel(this.outputDir);
    const repo = await this.repoId(token, revision).catch((error: unknown) => {
      throw this.finalError(error, token, null);
    });
    const card = path.join(this.outputDir, 'README.md');
    // A README the user wrote is theirs: only a missing or generated one is (re)written.
    if (mayWriteModelCard(this.outputDir)) {
      const tmp = `${card}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, await this.finalCard(options, token));
      fs.renameSync(tmp, card);
    }
    await this.waitForPushes();
    try {
      return await pushToHub({
        folder: this.outputDir,
        repo,
        token,
        revision,
        commitMessage: options.commitMessage ?? 'End of training',
        ignore: DEFAULT_IGNORE,
        skipCreateRepo: true,
      });
    } catch (error) {
      throw this.finalError(error, token, repo);
    }
  }

  private finalError(error: unknown, token: string, repo: string | null): VideomaeError {
    const detail = describeFailure(error, token);
    const retry = `videomae push --model ${this.outputDir} --repo ${repo ?? this.host.args.hubModelId ?? path.basename(path.resolve(this.outputDir))}`;
    this.log(`videomae: pushing the final model failed: ${detail}`);
    const code = error instanceof VideomaeError ? error.code : 'ERR_VIDEOMAE_IO';
    return new VideomaeError(
      `pushing the final model failed: ${detail}; everything stays in ${this.outputDir} (retry with: ${retry})`,
      code,
      {
        cause: error,
      },
    );
  }
}
