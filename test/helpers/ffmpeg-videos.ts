/**
 * Reference videos made with the ffmpeg CLI (an independent encoder/decoder) for decoder tests.
 * Every frame carries its own number: 8 vertical bands across the width, band k bright red when
 * bit k of the frame number is set (readable back with frameCode), a vertical green gradient and a
 * blue level that changes every frame.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface VideoSpec {
  width?: number;
  height?: number;
  fps?: number;
  duration?: number;
  /** Output codec arguments, e.g. ['-c:v', 'libx264', '-bf', '3']. */
  codec: string[];
  /** Extra filters after the frame-code source (e.g. setpts for variable frame rate). */
  filters?: string;
  /** Extra output arguments (e.g. ['-frames:v', '1']). */
  output?: string[];
}

export function frameCodeSource(width: number, height: number, fps: number, duration: number): string {
  return (
    `nullsrc=s=${width}x${height}:r=${fps}:d=${duration},format=rgb24,` +
    `geq=r='255*mod(floor(N/pow(2\\,floor(X*8/W)))\\,2)':g='Y*255/H':b='mod(N*29\\,256)'`
  );
}

function run(command: string, args: string[]): Buffer {
  return execFileSync(command, args, { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function makeVideo(file: string, spec: VideoSpec): string {
  const { width = 64, height = 48, fps = 25, duration = 2 } = spec;
  let source = frameCodeSource(width, height, fps, duration);
  if (spec.filters) source += `,${spec.filters}`;
  run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', source, ...spec.codec, ...(spec.output ?? []), file]);
  return file;
}

/** Re-muxes `input` with a display-matrix rotation tag (ffprobe then shows `rotation`). */
export function withRotation(input: string, file: string, degrees: number): string {
  run('ffmpeg', ['-v', 'error', '-y', '-i', input, '-c', 'copy', '-metadata:s:v:0', `rotate=${degrees}`, file]);
  return file;
}

export interface RawFrames {
  frames: Uint8Array[];
  height: number;
  width: number;
}

/**
 * Every frame as RGB24, decoded by the ffmpeg CLI (autorotated, no frame dropped or duplicated).
 * `scale` adds a swscale resize with the given flags.
 */
export function referenceFrames(file: string, height: number, width: number, scale?: { flags: string }): RawFrames {
  const args = ['-v', 'error', '-i', file, '-fps_mode', 'passthrough'];
  if (scale) args.push('-vf', `scale=${width}:${height}:flags=${scale.flags}`);
  args.push('-f', 'rawvideo', '-pix_fmt', 'rgb24', '-');
  const raw = run('ffmpeg', args);
  const size = height * width * 3;
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset + size <= raw.length; offset += size) frames.push(new Uint8Array(raw.subarray(offset, offset + size)));
  return { frames, height, width };
}

/** Presentation times (seconds) of every frame as ffprobe reports them, sorted. */
export function probeFrameTimes(file: string): number[] {
  const out = run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'frame=pts_time,best_effort_timestamp_time',
    '-of',
    'csv=p=0',
    file,
  ]);
  return out
    .toString()
    .trim()
    .split('\n')
    .map((line) => Number(line.split(',').find((v) => v !== '' && v !== 'N/A')))
    .sort((a, b) => a - b);
}

/** The frame number drawn by frameCodeSource, read back from an RGB24 frame. */
export function frameCode(rgb: Uint8Array, height: number, width: number): number {
  let code = 0;
  const y = Math.floor(height / 2);
  for (let bit = 0; bit < 8; bit += 1) {
    const x = Math.floor(((bit + 0.5) * width) / 8);
    if ((rgb[(y * width + x) * 3] as number) > 128) code |= 1 << bit;
  }
  return code;
}

export function meanAbsDiff(a: Uint8Array, b: Uint8Array): { mean: number; max: number } {
  if (a.length !== b.length) throw new Error(`frame sizes differ: ${a.length} vs ${b.length}`);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i += 1) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    sum += d;
    if (d > max) max = d;
  }
  return { mean: sum / a.length, max };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The standard set of decoder test videos (about 1 s of ffmpeg time on a quiet machine). */
export function generateReferenceVideos(dir: string) {
  const h264 = ['-c:v', 'libx264', '-crf', '12', '-bf', '3', '-g', '12', '-pix_fmt', 'yuv420p'];
  const mpeg4Avi = makeVideo(path.join(dir, 'mpeg4.avi'), { codec: ['-c:v', 'mpeg4', '-q:v', '2', '-g', '10'] });
  return {
    mpeg4Avi,
    h264Mp4: makeVideo(path.join(dir, 'h264.mp4'), { codec: h264 }),
    vp9Webm: makeVideo(path.join(dir, 'vp9.webm'), {
      width: 65,
      height: 49,
      codec: ['-c:v', 'libvpx-vp9', '-crf', '10', '-b:v', '0', '-g', '10', '-deadline', 'realtime', '-pix_fmt', 'yuv420p'],
    }),
    // Frames 0-9 at 25 fps, then one every 3/25 s: the container (mkv) stores no frame count.
    vfrMkv: makeVideo(path.join(dir, 'vfr.mkv'), {
      duration: 1.2,
      codec: [...h264, '-fps_mode', 'vfr'],
      filters: "setpts='(if(lt(N,10),N,10+(N-10)*3))/25/TB'",
    }),
    oneFrame: makeVideo(path.join(dir, 'one.mp4'), { codec: h264, output: ['-frames:v', '1'] }),
    rotated: withRotation(mpeg4Avi, path.join(dir, 'rotated.mp4'), 90),
    oddH264: makeVideo(path.join(dir, 'odd.mp4'), {
      width: 63,
      height: 47,
      codec: ['-c:v', 'libx264', '-crf', '12', '-pix_fmt', 'yuv444p'],
    }),
    tenBit: makeVideo(path.join(dir, 'ten.mp4'), { codec: ['-c:v', 'libx264', '-crf', '12', '-bf', '2', '-pix_fmt', 'yuv420p10le'] }),
    // Real-world containers and codecs beyond the above: B-frames where the container has no pts
    // (AVI), Annex-B H.264 in MPEG-TS (timestamps offset by the muxer), HEVC and MPEG-2 with
    // B-frames, intra-only MJPEG (camera files), AV1.
    mpeg4BframesAvi: makeVideo(path.join(dir, 'mpeg4-bframes.avi'), { codec: ['-c:v', 'mpeg4', '-q:v', '2', '-g', '10', '-bf', '2'] }),
    h264Ts: makeVideo(path.join(dir, 'h264.ts'), { codec: h264 }),
    hevcMp4: makeVideo(path.join(dir, 'hevc.mp4'), {
      codec: [
        '-c:v',
        'libx265',
        '-crf',
        '12',
        '-x265-params',
        'bframes=3:keyint=12:log-level=error',
        '-pix_fmt',
        'yuv420p',
        '-tag:v',
        'hvc1',
      ],
    }),
    mpeg2Mpg: makeVideo(path.join(dir, 'mpeg2.mpg'), { codec: ['-c:v', 'mpeg2video', '-q:v', '2', '-g', '12', '-bf', '2'] }),
    // Elementary streams: no container timestamps at all (H.264) or only some (MPEG-2).
    h264Raw: makeVideo(path.join(dir, 'raw.h264'), { codec: h264 }),
    mpeg2Raw: makeVideo(path.join(dir, 'raw.m2v'), { codec: ['-c:v', 'mpeg2video', '-q:v', '2', '-g', '12', '-bf', '2'] }),
    mjpegAvi: makeVideo(path.join(dir, 'mjpeg.avi'), { codec: ['-c:v', 'mjpeg', '-q:v', '2', '-pix_fmt', 'yuvj420p'] }),
    av1Mkv: makeVideo(path.join(dir, 'av1.mkv'), {
      codec: ['-c:v', 'libaom-av1', '-crf', '20', '-cpu-used', '8', '-g', '12', '-pix_fmt', 'yuv420p'],
    }),
    bt709Full: makeVideo(path.join(dir, 'bt709full.mp4'), {
      filters: 'scale=out_color_matrix=bt709:out_range=full,format=yuvj420p',
      codec: [
        '-c:v',
        'libx264',
        '-crf',
        '12',
        '-colorspace',
        'bt709',
        '-color_primaries',
        'bt709',
        '-color_trc',
        'bt709',
        '-color_range',
        'pc',
      ],
    }),
  };
}
