/**
 * What every video dataset gives the loader: an ordered list of labelled videos, the label maps,
 * and — once `load()`ed — each video's header metadata (duration, fps) and the files that could
 * not be read. Listing and counting never decode; `load()` reads headers only.
 */
import { VideomaeError, invalidArg } from '../errors';
import { nativeAs } from '../native/binding';

export interface VideoEntry {
  /** Absolute path of the file. */
  path: string;
  /** Class index (into `labels`). */
  label: number;
  /** Index of the video in the dataset (stable across epochs; reported as `videoIds`). */
  id: number;
}

export interface VideoInfo {
  durationSeconds: number;
  fps: number;
  numFrames: number;
  width: number;
  height: number;
}

export interface BadVideo {
  path: string;
  code: string;
  reason: string;
}

export type OnBadVideo = 'skip' | 'error';

export interface VideoDataset {
  readonly root: string;
  readonly labels: string[];
  readonly label2id: Record<string, number>;
  readonly id2label: Record<number, string>;
  readonly videos: VideoEntry[];
  readonly length: number;
  /** Header metadata per video id, filled by load(). */
  readonly info: Map<number, VideoInfo>;
  /** Files that load() could not read (skipped when onBadVideo is 'skip'). */
  readonly badVideos: BadVideo[];
  load(options?: { onBadVideo?: OnBadVideo; threads?: number }): Promise<this>;
}

/** File extensions treated as videos (FFmpeg reads all of these); compared case-insensitively. */
export const VIDEO_EXTENSIONS = [
  'avi',
  'mp4',
  'm4v',
  'mov',
  'mkv',
  'webm',
  'mpg',
  'mpeg',
  'mpe',
  'ts',
  'mts',
  'm2ts',
  'flv',
  'wmv',
  'asf',
  'ogv',
  'ogg',
  '3gp',
  '3g2',
  'gif',
  'vob',
  'mxf',
  'divx',
  'dv',
  'y4m',
  'h264',
  'hevc',
  'rm',
  'rmvb',
  'nut',
];

/** Python's sorted() order for str (code-point order). */
export function codePointCompare(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

export function labelMaps(labels: string[]): { label2id: Record<string, number>; id2label: Record<number, string> } {
  const label2id: Record<string, number> = {};
  const id2label: Record<number, string> = {};
  labels.forEach((name, i) => {
    label2id[name] = i;
    id2label[i] = name;
  });
  return { label2id, id2label };
}

type ProbeResult = ({ ok: true } & VideoInfo) | { ok: false; code: string; message: string };

interface ProbeBinding {
  dataProbeVideos(paths: string[], threads: number): Promise<ProbeResult[]>;
}

/** Reads the headers of `videos` natively; returns the metadata of the good ones and the bad list. */
export async function probeVideos(
  videos: VideoEntry[],
  onBadVideo: OnBadVideo,
  threads: number,
): Promise<{ info: Map<number, VideoInfo>; bad: BadVideo[]; good: VideoEntry[] }> {
  const results = await nativeAs<ProbeBinding>().dataProbeVideos(
    videos.map((v) => v.path),
    threads,
  );
  const info = new Map<number, VideoInfo>();
  const bad: BadVideo[] = [];
  const good: VideoEntry[] = [];
  results.forEach((result, i) => {
    const video = videos[i]!;
    if (result.ok) {
      const { durationSeconds, fps, numFrames, width, height } = result;
      info.set(video.id, { durationSeconds, fps, numFrames, width, height });
      good.push(video);
    } else {
      bad.push({ path: video.path, code: result.code, reason: result.message });
    }
  });
  if (bad.length > 0 && onBadVideo === 'error') {
    const list = bad
      .slice(0, 5)
      .map((b) => `${b.path} (${b.reason})`)
      .join('; ');
    throw new VideomaeError(`${bad.length} unreadable video(s): ${list}${bad.length > 5 ? '; ...' : ''}`, 'ERR_VIDEOMAE_DATASET');
  }
  return { info, bad, good };
}

/**
 * What every dataset class shares: labels and their maps, the video list, header metadata and the
 * load() step, which reads all headers natively (no frame is decoded), records their metadata, and
 * drops (onBadVideo 'skip') or raises on ('error') unreadable files.
 */
export abstract class LabelledVideoSet implements VideoDataset {
  readonly label2id: Record<string, number>;
  readonly id2label: Record<number, string>;
  readonly info = new Map<number, VideoInfo>();
  badVideos: BadVideo[] = [];

  protected constructor(
    readonly root: string,
    readonly labels: string[],
    public videos: VideoEntry[],
  ) {
    ({ label2id: this.label2id, id2label: this.id2label } = labelMaps(labels));
  }

  get length(): number {
    return this.videos.length;
  }

  /** Where the videos come from, for messages. */
  protected abstract get location(): string;

  async load(options: { onBadVideo?: OnBadVideo; threads?: number } = {}): Promise<this> {
    const onBadVideo = options.onBadVideo ?? 'skip';
    if (onBadVideo !== 'skip' && onBadVideo !== 'error') throw invalidArg('onBadVideo', '"skip" or "error"', onBadVideo);
    const { info, bad, good } = await probeVideos(this.videos, onBadVideo, options.threads ?? 2);
    info.forEach((value, key) => this.info.set(key, value));
    this.badVideos = bad;
    this.videos = good;
    if (good.length === 0) throw new VideomaeError(`no readable video in ${this.location}`, 'ERR_VIDEOMAE_DATASET');
    return this;
  }
}
