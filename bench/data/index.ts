/**
 * bench/data: loader throughput for the HF guide's train chain at 16×224 (batch 8), ours with 1
 * and 2 worker threads against the Python way (PyAV as pytorchvideo decodes + the guide's torch
 * transforms through a torch DataLoader with 0 / 2 workers), in the same run, on the same files:
 * synthetic UCF101-like videos (320×240 mpeg4 .avi, 25 fps).
 *
 *   node dist/bench/data/index.js [--videos 24] [--epochs 2] [--json]
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VideoFolderDataset } from '../../lib/data/folder-dataset';
import { DataLoader } from '../../lib/data/loader';
import { synthesizeDataset } from '../../lib/data/synth';
import { guideTrainTransforms } from '../../lib/data/transforms';
import { packageRoot } from '../../lib/native/binding';

/** Same shape as bench/common/report.ts (BenchReport), kept local to this file's branch. */
export interface DataBenchReport {
  name: string;
  rows: Array<{ case: string; unit: string; higherIsBetter: boolean; ours: number; peers: Record<string, number | null> }>;
  notes: string[];
  details?: unknown;
}

export interface DataBenchOptions {
  videos?: number;
  epochs?: number;
  batchSize?: number;
  workers?: number[];
  python?: boolean;
  dir?: string;
}

const PREPROCESSOR = { size: 224, image_mean: [0.485, 0.456, 0.406], image_std: [0.229, 0.224, 0.225] };

function pythonPath(): string | null {
  try {
    const out = execFileSync('bash', [path.join(packageRoot(), 'scripts', 'python-env.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const python = out.trim().split('\n').pop()!;
    return fs.existsSync(python) ? python : null;
  } catch {
    return null;
  }
}

async function oursClipsPerSecond(
  dataset: VideoFolderDataset,
  workers: number,
  epochs: number,
  batchSize: number,
): Promise<{ clipsPerSecond: number; dataWaitMs: number }> {
  // Same cores as the peer: with num_workers=0 the Python main process runs the transforms with
  // torch's default intra-op threads (= cores); our single worker gets as many intra-op threads.
  const intraOpThreads = workers === 1 ? os.availableParallelism() : 1;
  const loader = new DataLoader(dataset, {
    batchSize,
    shuffle: true,
    seed: 42,
    workers,
    intraOpThreads,
    prefetch: 2 * workers,
    clipSampler: 'random',
    numFrames: 16,
    sampleRate: 4,
    clipDurationFrom: 'fixed',
    transforms: guideTrainTransforms(PREPROCESSOR, 16),
  });
  for await (const _batch of loader.epoch(100)) break; // warm up: threads, first decode
  let clips = 0;
  const started = performance.now();
  for (let e = 0; e < epochs; e++) for await (const batch of loader.epoch(e)) clips += batch.labels.length;
  const seconds = (performance.now() - started) / 1000;
  loader.close();
  return { clipsPerSecond: clips / seconds, dataWaitMs: loader.stats.dataWaitMs };
}

function pythonClipsPerSecond(
  python: string,
  dataset: VideoFolderDataset,
  workers: number,
  epochs: number,
  batchSize: number,
): number | null {
  const config = {
    paths: dataset.videos.map((v) => v.path),
    labels: dataset.videos.map((v) => v.label),
    batchSize,
    workers,
    epochs,
    numFrames: 16,
    sampleRate: 4,
    fps: 30,
  };
  try {
    const out = execFileSync(python, [path.join(packageRoot(), 'bench', 'data', 'python_loader.py'), JSON.stringify(config)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    return (JSON.parse(out.trim().split('\n').pop()!) as { clipsPerSecond: number }).clipsPerSecond;
  } catch (error) {
    process.stderr.write(`bench/data: python peer failed: ${(error as Error).message.split('\n')[0]}\n`);
    return null;
  }
}

export async function runDataBench(options: DataBenchOptions = {}): Promise<DataBenchReport> {
  const videos = options.videos ?? 24;
  const epochs = options.epochs ?? 2;
  const batchSize = options.batchSize ?? 8;
  const workerCounts = options.workers ?? [1, 2];
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-bench-data-'));
  const classes = 4;
  await synthesizeDataset({
    output: dir,
    classes,
    train: Math.ceil(videos / classes),
    val: 0,
    test: 0,
    width: 320,
    height: 240,
    fps: 25,
    seconds: 4,
    codec: 'mpeg4',
    force: true,
  });
  const dataset = await VideoFolderDataset.load(dir, { split: 'train' });
  const python = options.python === false ? null : pythonPath();
  const rows: DataBenchReport['rows'] = [];
  const details: Record<string, unknown> = {};
  for (const workers of workerCounts) {
    const ours = await oursClipsPerSecond(dataset, workers, epochs, batchSize);
    // torch DataLoader: 1 worker thread of ours vs num_workers=0 (the guide's default, main process).
    const peerWorkers = workers === 1 ? 0 : workers;
    const peer = python ? pythonClipsPerSecond(python, dataset, peerWorkers, epochs, batchSize) : null;
    rows.push({
      case: `guide train chain 16×224, batch ${batchSize}, ${workers} worker${workers > 1 ? 's' : ` × ${os.availableParallelism()} intra-op threads`} (320×240 mpeg4 avi)`,
      unit: 'clips/s',
      higherIsBetter: true,
      ours: ours.clipsPerSecond,
      peers: { [`PyAV + torch DataLoader (num_workers=${peerWorkers})`]: peer },
    });
    details[`workers${workers}`] = { ours, python: peer };
  }
  if (!options.dir) fs.rmSync(dir, { recursive: true, force: true });
  return {
    name: 'data',
    rows,
    notes: [
      `${dataset.length} synthetic 4 s videos, ${epochs} epochs, random clip sampler, clip = 16×4/30 s (the guide's fixed 30 fps)`,
      'Python peer: PyAV decode as pytorchvideo EncodedVideoPyAV, the guide transforms written out in torch (pytorchvideo/torchvision not installable here)',
      `machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.availableParallelism()} cores (shared with other jobs: figures are noisy)`,
    ],
    details,
  };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const value = (flag: string): number | undefined => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  runDataBench({ videos: value('--videos'), epochs: value('--epochs'), python: !args.includes('--no-python') })
    .then((report) => {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    })
    .catch((error) => {
      process.stderr.write(`bench/data failed: ${(error as Error).message}\n`);
      process.exitCode = 1;
    });
}
