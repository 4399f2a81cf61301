/**
 * The only module that loads the .node file. Feature modules take a typed view of the exports
 * they use (see e.g. lib/native/tensor.ts), so this file never changes when a binding is added.
 *
 * Load order (node-gyp-build): prebuilds/<platform>-<arch>/ first, then build/Release. The
 * VIDEOMAE_NATIVE environment variable names a .node file to use instead (development builds).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideomaeError } from '../errors';

export interface NativeCore {
  setErrorClass(errorClass: typeof VideomaeError): void;
  info(): NativeInfo;
  setNumThreads(threads: number): void;
}

export interface NativeInfo {
  napiVersion: number;
  napiBuildVersion: number;
  libtorch: { version: string; path: string; source: string; parallelInfo: string; mkl: boolean; mkldnn: boolean; cpuGemm: string };
  cuda: { compiled: boolean; available: boolean; devices: number };
  cpu: { threads: number; interopThreads: number };
  ffmpeg: { version: string; libraries: Record<string, string>; configuration: string; license: string };
}

let cached: (NativeCore & Record<string, unknown>) | undefined;

/** Package root (holds package.json), whether running from lib/ (ts-jest) or dist/lib/. */
export function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new VideomaeError('cannot find the videomae package root', 'ERR_VIDEOMAE_NATIVE_LOAD');
    dir = parent;
  }
  return dir;
}

interface NodeGypBuild {
  (dir: string): NativeCore & Record<string, unknown>;
  resolve(dir: string): string;
}

function mtimeMs(file: string): number {
  return fs.statSync(file).mtimeMs;
}

function loadAddon(): NativeCore & Record<string, unknown> {
  const override = process.env.VIDEOMAE_NATIVE;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (override) return require(path.resolve(override));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeGypBuild = require('node-gyp-build') as NodeGypBuild;
  const root = packageRoot();
  // In a source checkout, a build newer than the prebuild is the one being worked on.
  const release = path.join(root, 'build', 'Release', 'videomae.node');
  if (fs.existsSync(release)) {
    const resolved = nodeGypBuild.resolve(root);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (resolved !== release && mtimeMs(release) > mtimeMs(resolved)) return require(release);
  }
  return nodeGypBuild(root);
}

function explainLoadFailure(error: unknown): VideomaeError {
  const detail = error instanceof Error ? error.message : String(error);
  let hint = 'run `npm run setup` in the package folder to build it';
  if (/libtorch|libc10|libgomp/.test(detail)) {
    hint = 'the libtorch it was built against is missing: run `npm run setup` (it fetches libtorch into the cache) or set LIBTORCH';
  } else if (/libav|libswscale/.test(detail)) {
    hint = 'FFmpeg libraries are missing: install libavformat, libavcodec, libavutil, libswscale (npm run setup does)';
  }
  return new VideomaeError(`videomae: cannot load the native addon (${detail.split('\n')[0]}); ${hint}`, 'ERR_VIDEOMAE_NATIVE_LOAD', {
    cause: error,
  });
}

/** The addon's exports, loaded on first use. Throws ERR_VIDEOMAE_NATIVE_LOAD with a hint. */
export function native(): NativeCore & Record<string, unknown> {
  if (cached) return cached;
  let addon: NativeCore & Record<string, unknown>;
  try {
    addon = loadAddon();
  } catch (error) {
    throw explainLoadFailure(error);
  }
  // The addon is loaded once per process but this module once per realm (worker, jest file,
  // Electron context): hand this realm's error class over each time.
  addon.setErrorClass(VideomaeError);
  cached = addon;
  return addon;
}

/** A typed view of the exports one feature uses. */
export function nativeAs<T>(): T {
  return native() as unknown as T;
}
