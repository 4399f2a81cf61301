/**
 * bench/decode: clips/s for 16 uniformly sampled frames of a clip resized to 224 short side, one
 * video at a time and a batch through the native pool, on generated UCF101-shaped videos
 * (320x240, 25 fps, mpeg4 in .avi, 4-10 s) and 1080p H.264 with B-frames; the same work in the
 * same run through PyAV as pytorchvideo uses it and PyAV done smartly (bench/decode/pyav_peers.py).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeClip, decodeClips } from '../../lib/decoder';
import { packageRoot } from '../../lib/native/binding';

export interface DecodeBenchOptions {
  /** Folder for the generated videos (default: a temp dir, removed afterwards). */
  dir?: string;
  ucfVideos?: number;
  hdVideos?: number;
  /** Clips per batch through the pool (default 32). */
  batch?: number;
  numFrames?: number;
  shortSide?: number;
  /** Pool threads (default: cores). */
  threads?: number;
  /** Python with PyAV + torch (default: `bash scripts/python-env.sh`); false skips the peers. */
  python?: string | false;
  /** Rounds, ours and the peers alternating; each figure is the median over rounds (default 3). */
  rounds?: number;
}

interface Rates {
  single: number;
  pool: number;
}

export interface DecodeBenchResult {
  machine: { cores: number; cpu: string; note: string; loadAverage: { start: number[]; end: number[] } };
  clip: { start: number; end: number; numFrames: number; shortSide: number };
  rounds: number;
  sets: Record<
    string,
    {
      videos: string;
      videosPerBatch: number;
      videomae: Rates;
      pytorchvideo?: Rates;
      smartPyav?: Rates;
      smartPyavPoolOneThread?: number;
      ratios?: Record<string, number>;
      peers?: Record<string, unknown>;
    }
  >;
}

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function generate(dir: string, ucf: number, hd: number): { ucf: string[]; hd: string[] } {
  const ucfFiles: string[] = [];
  for (let i = 0; i < ucf; i += 1) {
    const file = path.join(dir, `ucf_${i}.avi`);
    const seconds = 4 + (i * 6) / Math.max(ucf - 1, 1);
    if (!fs.existsSync(file)) {
      ffmpeg([
        '-f',
        'lavfi',
        '-i',
        `testsrc2=size=320x240:rate=25:duration=${seconds.toFixed(2)}`,
        '-c:v',
        'mpeg4',
        '-vtag',
        'XVID',
        '-q:v',
        '4',
        '-g',
        '12',
        file,
      ]);
    }
    ucfFiles.push(file);
  }
  const hdFiles: string[] = [];
  for (let i = 0; i < hd; i += 1) {
    const file = path.join(dir, `hd_${i}.mp4`);
    if (!fs.existsSync(file)) {
      ffmpeg([
        '-f',
        'lavfi',
        '-i',
        `testsrc2=size=1920x1080:rate=25:duration=4`,
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-bf',
        '3',
        '-g',
        '50',
        '-pix_fmt',
        'yuv420p',
        file,
      ]);
    }
    hdFiles.push(file);
  }
  return { ucf: ucfFiles, hd: hdFiles };
}

async function measure(
  videos: string[],
  batch: number,
  options: { numFrames: number; clip: { start: number; end: number }; size: { shortestEdge: number } },
  threads: number,
): Promise<Rates> {
  const jobs = Array.from({ length: batch }, (_, i) => videos[i % videos.length] as string);
  await decodeClip(jobs[0] as string, options); // warm up (page cache, first-use init)
  let t0 = process.hrtime.bigint();
  for (const file of jobs) await decodeClip(file, options);
  const single = batch / (Number(process.hrtime.bigint() - t0) / 1e9);
  t0 = process.hrtime.bigint();
  const results = await decodeClips(jobs, { ...options, threads });
  const pool = batch / (Number(process.hrtime.bigint() - t0) / 1e9);
  const failed = results.find((r) => r instanceof Error);
  if (failed) throw failed;
  return { single, pool };
}

function pythonPath(option: string | false | undefined): string | undefined {
  if (option === false) return undefined;
  if (option) return option;
  try {
    return execFileSync('bash', [path.join(packageRoot(), 'scripts', 'python-env.sh')], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop();
  } catch {
    return undefined;
  }
}

function peers(
  python: string,
  videos: string[],
  batch: number,
  clip: { start: number; end: number },
  numFrames: number,
  shortSide: number,
  threads: number,
) {
  const script = [path.join(__dirname, 'pyav_peers.py'), path.join(packageRoot(), 'bench', 'decode', 'pyav_peers.py')].find((p) =>
    fs.existsSync(p),
  );
  if (!script) throw new Error('bench/decode/pyav_peers.py not found');
  const jobs = Array.from({ length: batch }, (_, i) => videos[i % videos.length] as string);
  const run = (pool: number) =>
    JSON.parse(
      execFileSync(python, [script, JSON.stringify({ videos: jobs, ...clip, numFrames, shortSide, pool })], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      }),
    ) as Record<string, unknown>;
  const single = run(1);
  const pool = run(threads);
  return { single, pool };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const medianRates = (rates: Rates[]): Rates => ({ single: median(rates.map((r) => r.single)), pool: median(rates.map((r) => r.pool)) });

export async function runDecodeBench(options: DecodeBenchOptions = {}): Promise<DecodeBenchResult> {
  const { ucfVideos = 8, hdVideos = 2, batch = 32, numFrames = 16, shortSide = 224, rounds = 3 } = options;
  const threads = options.threads ?? os.availableParallelism();
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-bench-decode-'));
  fs.mkdirSync(dir, { recursive: true });
  const clip = { start: 1.0, end: 1.0 + 64 / 30 }; // the HF guide's clip: 16 frames x sample rate 4 at 30 fps
  const python = pythonPath(options.python);
  const result: DecodeBenchResult = {
    machine: {
      cores: os.availableParallelism(),
      cpu: os.cpus()[0]?.model ?? 'unknown',
      note: 'shared machine: timings are noisy; each figure is the median of the rounds, ours and the peers alternating',
      loadAverage: { start: os.loadavg(), end: [] },
    },
    clip: { ...clip, numFrames, shortSide },
    rounds,
    sets: {},
  };
  try {
    const files = generate(dir, ucfVideos, hdVideos);
    const sets: Array<[string, string[], string, number]> = [
      ['ucf101', files.ucf, '320x240 25 fps mpeg4 (xvid) .avi, 4-10 s', batch],
      ['hd1080', files.hd, '1920x1080 25 fps H.264 with B-frames .mp4, 4 s', Math.max(4, Math.floor(batch / 4))],
    ];
    for (const [name, videos, description, size] of sets) {
      const decodeOptions = { numFrames, clip, size: { shortestEdge: shortSide } };
      const ours: Rates[] = [];
      const peerRuns: Array<ReturnType<typeof peers>> = [];
      for (let round = 0; round < Math.max(1, rounds); round += 1) {
        ours.push(await measure(videos, size, decodeOptions, threads));
        if (python) peerRuns.push(peers(python, videos, size, clip, numFrames, shortSide, threads));
      }
      const entry: DecodeBenchResult['sets'][string] = { videos: description, videosPerBatch: size, videomae: medianRates(ours) };
      if (python) {
        const pick = (key: string, mode: 'single' | 'pool') => median(peerRuns.map((p) => p[mode][key] as number));
        entry.pytorchvideo = { single: pick('pytorchvideo', 'single'), pool: pick('pytorchvideo', 'pool') };
        // The smart peer's pool figure is its better configuration (decoder threads per process:
        // FFmpeg's automatic count, or one as in our pool).
        entry.smartPyavPoolOneThread = pick('smartPyavOneThread', 'pool');
        entry.smartPyav = { single: pick('smartPyav', 'single'), pool: Math.max(pick('smartPyav', 'pool'), entry.smartPyavPoolOneThread) };
        entry.ratios = {
          vsPytorchvideoSingle: entry.videomae.single / entry.pytorchvideo.single,
          vsPytorchvideoPool: entry.videomae.pool / entry.pytorchvideo.pool,
          vsSmartPyavSingle: entry.videomae.single / entry.smartPyav.single,
          vsSmartPyavPool: entry.videomae.pool / entry.smartPyav.pool,
        };
        const first = peerRuns[0] as ReturnType<typeof peers>;
        entry.peers = {
          pyav: first.single.pyavVersion,
          torch: first.single.torchVersion,
          decord: first.single.decord,
          torchcodec: first.single.torchcodec,
        };
      } else {
        entry.peers = { skipped: 'no Python environment (scripts/python-env.sh)' };
      }
      result.sets[name] = entry;
    }
  } finally {
    if (!options.dir) fs.rmSync(dir, { recursive: true, force: true });
  }
  result.machine.loadAverage.end = os.loadavg();
  return result;
}
