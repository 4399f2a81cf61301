/**
 * The only module that loads the .node file. Feature modules take a typed view of the exports
 * they use (see e.g. lib/native/tensor.ts), so this file never changes when a binding is added.
 *
 * Which file: the one node-gyp-build resolves, which is build/Release/ first (a source checkout's
 * own build) and prebuilds/<platform>-<arch>/ second (what a published package ships) — except
 * that a build/Release whose build manifest names another package version is skipped, with a
 * warning, for the prebuild (a stale build beside a newer prebuild is never used silently). The
 * VIDEOMAE_NATIVE environment variable names a .node file to use instead (development builds).
 * Before the addon, libtorch is loaded from wherever it is on this machine (libtorch-preload.ts);
 * after it, the version the addon was compiled from must equal this package's version.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideomaeError } from '../errors';
import { preloadLibtorch, readBuildManifest, type BuildManifest } from './libtorch-preload';

export interface NativeCore {
  packageVersion: string;
  setErrorClass(errorClass: typeof VideomaeError): void;
  info(): NativeInfo;
  setNumThreads(threads: number): void;
}

export interface NativeInfo {
  napiVersion: number;
  napiBuildVersion: number;
  libtorch: { version: string; path: string; source: string; parallelInfo: string; mkl: boolean; mkldnn: boolean; cpuGemm: string };
  cuda: { compiled: boolean; available: boolean; devices: number };
  cpu: {
    threads: number;
    interopThreads: number;
    /** Instruction-set extensions of this CPU that decide the kernel paths (cpuinfo's names: avx2, fma3, avx512_f, ...). */
    features: string[];
    /** The dense layers' GEMM library per dtype, chosen for this CPU at load time (native/core/model/cpu_gemm.h). */
    gemm: { float32: 'onednn' | 'blas'; bfloat16: 'onednn' | 'float32' | 'blas'; packedWeights: boolean; reason: string };
  };
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
  resolve(dir: string): string;
}

/** Where the loaded addon came from. */
export interface AddonOrigin {
  path: string;
  origin: 'VIDEOMAE_NATIVE' | 'build' | 'prebuild';
  /** Its build manifest (read once, at load), null for a build without one. */
  manifest: BuildManifest | null;
}

let origin: AddonOrigin | undefined;

/** This package's name and version (package.json at packageRoot()). */
export function packageJson(root = packageRoot()): { name: string; version: string } {
  return JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string };
}

/** The prebuild node-gyp-build would take when build/ is absent (we ship one napi build per platform). */
function prebuildFile(root: string): string | null {
  const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  const name = fs.existsSync(dir) ? fs.readdirSync(dir).find((file) => file.endsWith('.node')) : undefined;
  return name ? path.join(dir, name) : null;
}

function chooseAddon(root: string, version: string): Omit<AddonOrigin, 'manifest'> {
  const override = process.env.VIDEOMAE_NATIVE;
  if (override) return { path: path.resolve(override), origin: 'VIDEOMAE_NATIVE' };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const resolved = (require('node-gyp-build') as NodeGypBuild).resolve(root);
  if (!resolved.startsWith(path.join(root, 'build') + path.sep)) return { path: resolved, origin: 'prebuild' };
  const built = readBuildManifest(resolved)?.packageVersion;
  if (built === undefined || built === version) return { path: resolved, origin: 'build' };
  const stale = `${path.relative(root, resolved)} was built for videomae ${built}, this package is ${version}`;
  const prebuild = prebuildFile(root);
  if (!prebuild) throw new Error(`${stale}: rebuild it with \`npm run build:native\``);
  process.emitWarning(`${stale}: skipped for ${path.relative(root, prebuild)}`, { code: 'VIDEOMAE_STALE_BUILD' });
  return { path: prebuild, origin: 'prebuild' };
}

function loadAddon(): NativeCore & Record<string, unknown> {
  const root = packageRoot();
  const { version } = packageJson(root);
  const picked = chooseAddon(root, version);
  const chosen: AddonOrigin = { ...picked, manifest: readBuildManifest(picked.path) };
  preloadLibtorch(path.join(root, 'scripts', 'libtorch.js'), chosen.manifest, chosen.path);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const addon = require(chosen.path) as NativeCore & Record<string, unknown>;
  if (addon.packageVersion !== version) {
    throw new VideomaeError(
      `videomae: ${chosen.path} was built from videomae ${addon.packageVersion ?? 'an unknown version (none recorded)'}, ` +
        `this package is ${version}: rebuild it (\`npm run build:native\`) or reinstall the package`,
      'ERR_VIDEOMAE_NATIVE_LOAD',
    );
  }
  origin = chosen;
  return addon;
}

function explainLoadFailure(error: unknown): VideomaeError {
  if (error instanceof VideomaeError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  let hint = 'run `npm run setup` in the package folder to build it';
  if (/libtorch|libc10|libgomp/.test(detail)) {
    hint =
      'libtorch could not be loaded: set LIBTORCH to an unpacked libtorch, or run `node scripts/libtorch.js --fetch` in the package folder';
  } else if (/libav|libswscale/.test(detail)) {
    hint = 'FFmpeg libraries are missing: install libavformat, libavcodec, libavutil, libswscale (npm run setup does)';
  }
  return new VideomaeError(`videomae: cannot load the native addon (${detail.split('\n')[0]}); ${hint}`, 'ERR_VIDEOMAE_NATIVE_LOAD', {
    cause: error,
  });
}

/** The loaded addon's file and how it was chosen (null before the first load). */
export function addonOrigin(): AddonOrigin | null {
  return origin ?? null;
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
