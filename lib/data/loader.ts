/**
 * DataLoader: batches of transformed clips made by native worker threads, as an async iterator.
 *
 *   const loader = new DataLoader(dataset, { batchSize: 8, shuffle: true, seed: 42,
 *     clipSampler: { type: 'random' }, numFrames: 16, sampleRate: 4, transforms });
 *   for await (const batch of loader.epoch(0)) model.step(batch.pixelValues, batch.labels);
 *
 * TypeScript plans each epoch (video order, clip windows, batch boundaries) from the dataset's
 * header metadata; the native loader decodes, transforms and collates into (B,T,C,H,W) float32
 * NativeTensors that go to the model without passing through JS memory. Results depend only on
 * (seed, epoch), never on thread timing.
 */
import * as os from 'node:os';
import { VideomaeError, invalidArg, isVideomaeError } from '../errors';
import { nativeAs } from '../native/binding';
import type { NativeTensor } from '../native/tensor';
import type { VideoDataset } from './dataset';
import { SeededRandom, clipDuration, sampleClips, validateSampler, type ClipSamplerSpec, type ClipWindow } from './samplers';
import { validateTransforms, type VideoTransform } from './transforms';
import { shardOf, validateShard, type ShardSpec } from '../distributed/shard';

export interface DataLoaderOptions {
  batchSize: number;
  shuffle?: boolean;
  seed?: number;
  dropLast?: boolean;
  /** Batches prepared ahead of the consumer; default 2. */
  prefetch?: number;
  /** Native worker threads; default min(2, cores). */
  workers?: number;
  /** Torch (OpenMP) threads per worker; default 1, so W workers use about W cores beside the trainer. */
  intraOpThreads?: number;
  clipSampler: ClipSamplerSpec | 'random' | 'uniform';
  transforms: VideoTransform[];
  /** Frames per clip before subsampling is numFrames × sampleRate; clip seconds = that / fps. */
  numFrames: number;
  sampleRate?: number;
  clipDurationFrom?: 'fps' | 'fixed';
  /** fps used when clipDurationFrom is 'fixed' (the guide's 30). */
  fixedFps?: number;
  /** Explicit clip length in seconds (overrides numFrames × sampleRate / fps). */
  clipDuration?: number;
  /** A clip that cannot be decoded: 'skip' drops it from its batch (listed in stats.skipped), 'error' rejects. */
  onBadVideo?: 'skip' | 'error';
  /** Data-parallel training: this rank's share of each epoch's order (DistributedSampler semantics, lib/distributed/shard.ts). */
  shard?: ShardSpec;
}

export interface Batch {
  pixelValues: NativeTensor;
  labels: Int32Array;
  videoIds: number[];
  /** "path: reason" of samples dropped from this batch. */
  skipped: string[];
}

export interface SamplePlan {
  path: string;
  start: number;
  end: number;
  /** pytorchvideo's exact window (ClipWindow.exact), when the sampler has one. */
  exact?: ClipWindow['exact'];
  label: number;
  videoId: number;
  sampleIndex: number;
}

export interface LoaderStats {
  /** Milliseconds the consumer spent waiting for batches (summed over epochs). */
  dataWaitMs: number;
  batches: number;
  samples: number;
  skipped: string[];
}

interface NativeLoader {
  start(epoch: number, batches: SamplePlan[][]): void;
  next(): Promise<Batch | null>;
  cancel(): void;
  close(): void;
}

interface LoaderBinding {
  NativeDataLoader: new (options: object) => NativeLoader;
  dataLoadSample(task: SamplePlan, options: object, epoch: number): Promise<NativeTensor | null>;
}

function normalizeSampler(sampler: DataLoaderOptions['clipSampler']): ClipSamplerSpec {
  const spec = typeof sampler === 'string' ? ({ type: sampler } as ClipSamplerSpec) : sampler;
  validateSampler(spec);
  return spec;
}

export class DataLoader {
  readonly dataset: VideoDataset;
  readonly options: Required<Omit<DataLoaderOptions, 'clipDuration' | 'clipSampler' | 'shard'>> & {
    clipDuration?: number;
    clipSampler: ClipSamplerSpec;
    shard?: ShardSpec;
  };
  readonly stats: LoaderStats = { dataWaitMs: 0, batches: 0, samples: 0, skipped: [] };
  private native: NativeLoader | undefined;
  private cancelled = false;
  private running = false;

  constructor(dataset: VideoDataset, options: DataLoaderOptions) {
    if (typeof dataset !== 'object' || dataset === null || !Array.isArray(dataset.videos))
      throw invalidArg('dataset', 'a VideoDataset', dataset);
    if (typeof options !== 'object' || options === null) throw invalidArg('options', 'an object', options);
    const int = (name: string, value: unknown, fallback: number, min: number): number => {
      const v = value ?? fallback;
      if (!Number.isInteger(v) || (v as number) < min) throw invalidArg(name, `an integer >= ${min}`, value);
      return v as number;
    };
    const cores = os.availableParallelism();
    const workers = int('workers', options.workers, Math.min(2, cores), 1);
    validateTransforms(options.transforms);
    const clipDurationFrom = options.clipDurationFrom ?? 'fps';
    if (clipDurationFrom !== 'fps' && clipDurationFrom !== 'fixed')
      throw invalidArg('clipDurationFrom', '"fps" or "fixed"', clipDurationFrom);
    if (options.clipDuration !== undefined && !(options.clipDuration > 0))
      throw invalidArg('clipDuration', 'a positive number of seconds', options.clipDuration);
    const onBadVideo = options.onBadVideo ?? 'skip';
    if (onBadVideo !== 'skip' && onBadVideo !== 'error') throw invalidArg('onBadVideo', '"skip" or "error"', onBadVideo);
    if (options.shard !== undefined) validateShard(options.shard);
    this.dataset = dataset;
    this.options = {
      batchSize: int('batchSize', options.batchSize, 0, 1),
      shuffle: options.shuffle ?? false,
      seed: int('seed', options.seed, 0, 0),
      dropLast: options.dropLast ?? false,
      prefetch: int('prefetch', options.prefetch, 2, 1),
      workers,
      intraOpThreads: int('intraOpThreads', options.intraOpThreads, 1, 1),
      clipSampler: normalizeSampler(options.clipSampler),
      transforms: options.transforms,
      numFrames: int('numFrames', options.numFrames, 0, 1),
      sampleRate: int('sampleRate', options.sampleRate, 4, 1),
      clipDurationFrom,
      fixedFps: options.fixedFps ?? 30,
      ...(options.clipDuration !== undefined ? { clipDuration: options.clipDuration } : {}),
      onBadVideo,
      ...(options.shard !== undefined ? { shard: { ...options.shard } } : {}),
    };
  }

  private nativeOptions(): object {
    const o = this.options;
    return {
      workers: o.workers,
      prefetch: o.prefetch,
      intraOpThreads: o.intraOpThreads,
      decoderThreads: 1,
      skipBadClips: o.onBadVideo === 'skip',
      seed: o.seed,
      transforms: o.transforms,
    };
  }

  private clipSeconds(fps: number): number {
    if (this.options.clipDuration !== undefined) return this.options.clipDuration;
    return clipDuration(
      {
        numFrames: this.options.numFrames,
        sampleRate: this.options.sampleRate,
        from: this.options.clipDurationFrom,
        fixedFps: this.options.fixedFps,
      },
      fps,
    );
  }

  private requireLoaded(): void {
    if (this.dataset.videos.some((v) => !this.dataset.info.has(v.id)))
      throw new VideomaeError(
        'DataLoader: the dataset is not loaded; await dataset.load() first (it reads every video header)',
        'ERR_VIDEOMAE_DATASET',
      );
  }

  /**
   * The samples of an epoch in order (video order shuffled by (seed, epoch) when `shuffle`); with
   * `shard`, this rank's share of that order. sampleIndex stays the index in the whole epoch, so a
   * clip's augmentation draws are the same whichever rank reads it.
   */
  planSamples(epoch: number): SamplePlan[] {
    this.requireLoaded();
    const videos = [...this.dataset.videos];
    if (this.options.shuffle) {
      const random = new SeededRandom(this.options.seed, epoch, 0x5107);
      for (let i = videos.length - 1; i > 0; i--) {
        const j = random.below(i + 1);
        [videos[i], videos[j]] = [videos[j]!, videos[i]!];
      }
    }
    const samples: SamplePlan[] = [];
    for (const video of videos) {
      const info = this.dataset.info.get(video.id)!;
      const random = new SeededRandom(this.options.seed, epoch, video.id, 0xc11b);
      for (const clip of sampleClips(this.options.clipSampler, info.durationSeconds, this.clipSeconds(info.fps), random)) {
        samples.push({
          path: video.path,
          start: clip.start,
          end: clip.end,
          ...(clip.exact ? { exact: clip.exact } : {}),
          label: video.label,
          videoId: video.id,
          sampleIndex: samples.length,
        });
      }
    }
    return this.options.shard ? shardOf(samples, this.options.shard) : samples;
  }

  /** The batches of an epoch (sample lists), honouring dropLast. */
  planBatches(epoch: number): SamplePlan[][] {
    const samples = this.planSamples(epoch);
    const batches: SamplePlan[][] = [];
    for (let i = 0; i < samples.length; i += this.options.batchSize) batches.push(samples.slice(i, i + this.options.batchSize));
    if (this.options.dropLast && batches.length > 0 && batches[batches.length - 1]!.length < this.options.batchSize) batches.pop();
    return batches;
  }

  /** Batches per epoch (undefined until the dataset is loaded). Samples that fail to decode may make an epoch shorter. */
  get batchesPerEpoch(): number | undefined {
    if (this.dataset.videos.some((v) => !this.dataset.info.has(v.id))) return undefined;
    return this.planBatches(0).length;
  }

  /** Iterates the batches of `epoch`. Breaking out of the loop (or cancel()) stops the workers. */
  async *epoch(epoch: number): AsyncGenerator<Batch, void, undefined> {
    if (!Number.isInteger(epoch) || epoch < 0) throw invalidArg('epoch', 'a non-negative integer', epoch);
    if (this.running) throw new VideomaeError('DataLoader: an epoch is already being iterated', 'ERR_VIDEOMAE_BUSY');
    const plan = this.planBatches(epoch);
    this.native ??= new (nativeAs<LoaderBinding>().NativeDataLoader)(this.nativeOptions());
    this.cancelled = false;
    this.running = true;
    this.native.start(epoch, plan);
    let finished = false;
    try {
      while (true) {
        const waitStarted = performance.now();
        let batch: Batch | null;
        try {
          batch = await this.native.next();
        } catch (error) {
          if (this.cancelled && isVideomaeError(error) && error.code === 'ERR_VIDEOMAE_CANCELLED') return;
          throw error;
        } finally {
          this.stats.dataWaitMs += performance.now() - waitStarted;
        }
        if (batch === null) {
          finished = true;
          return;
        }
        // A batch already prefetched when cancel()/close() came still resolves next(); the caller asked to stop, so drop it.
        if (this.cancelled) return;
        this.stats.batches++;
        this.stats.samples += batch.labels.length;
        this.stats.skipped.push(...batch.skipped);
        yield batch;
      }
    } finally {
      this.running = false;
      if (!finished) this.native?.cancel();
    }
  }

  /** Stops the workers; a pending iteration ends without an error. */
  cancel(): void {
    this.cancelled = true;
    this.native?.cancel();
  }

  /** Stops and frees the worker threads. Idempotent. */
  close(): void {
    this.cancelled = true;
    this.native?.close();
    this.native = undefined;
  }

  /** One sample of an epoch plan, decoded and transformed as the workers would: (C,T,H,W) or null for an empty clip. */
  async loadSample(sample: SamplePlan, epoch = 0): Promise<NativeTensor | null> {
    return nativeAs<LoaderBinding>().dataLoadSample(sample, this.nativeOptions(), epoch);
  }
}
