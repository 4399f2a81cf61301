/**
 * Loads libtorch before the addon. The addon has no RUNPATH to the libtorch of the machine that
 * built it (a prebuild must load for any user, from any folder): its build manifest
 * (`videomae.node.json` beside the .node, written by scripts/build-native.js) names the libtorch
 * version it was built against, and this module finds a libtorch of that version in the build's
 * search order (scripts/libtorch.js: LIBTORCH, the package cache, an installed Python torch, a
 * system install) and loads its shared objects by absolute path. The addon's DT_NEEDED
 * `libtorch_cpu.so` / `libc10.so` then resolve to those already-loaded objects by their SONAME.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VideomaeError } from '../errors';

/** What scripts/build-native.js writes beside every .node it builds. */
export interface BuildManifest {
  packageVersion: string;
  napiVersion: number;
  libtorch: { version: string; cuda: boolean; builtAgainst?: string };
}

export interface LibtorchPlace {
  place: string;
  dir: string | null;
  found: boolean;
  version?: string;
  cuda?: boolean;
}

export interface LoadedLibtorch {
  dir: string;
  place: string;
  version: string;
}

interface LibtorchLocator {
  libtorchCandidates(): Iterable<LibtorchPlace>;
}

// glibc's RTLD_NODELETE: process.dlopen throws "did not self-register" for a library that is not an
// addon and closes its handle; NODELETE keeps libtorch mapped for the addon that follows.
const RTLD_NODELETE = 0x1000;

let loaded: LoadedLibtorch | undefined;

/** The build manifest beside `addonFile`, or null when there is none (an old or foreign build). */
export function readBuildManifest(addonFile: string): BuildManifest | null {
  try {
    return JSON.parse(fs.readFileSync(`${addonFile}.json`, 'utf8')) as BuildManifest;
  } catch {
    return null;
  }
}

/** libtorch's ABI changes between releases: the release (x.y.z) must be the one built against. */
function release(version: string): string {
  return version.split('+')[0]!;
}

function suits(place: LibtorchPlace, manifest: BuildManifest | null): boolean {
  if (!place.found) return false;
  if (!manifest) return true;
  return release(place.version ?? '') === release(manifest.libtorch.version) && (!manifest.libtorch.cuda || place.cuda === true);
}

function describePlace(place: LibtorchPlace): string {
  const where = place.dir ? `${place.place} ${place.dir}` : place.place;
  if (!place.found) return `${where}: ${place.dir ? 'no libtorch there' : 'no torch installed'}`;
  return `${where}: libtorch ${place.version}${place.cuda ? ' (CUDA)' : ''}`;
}

function sharedObjects(dir: string, manifest: BuildManifest | null): string[] {
  const names = ['libc10.so', 'libtorch_cpu.so'];
  if (manifest?.libtorch.cuda) names.push('libc10_cuda.so', 'libtorch_cuda.so');
  return names.map((name) => path.join(dir, 'lib', name));
}

function dlopenGlobal(file: string): void {
  try {
    process.dlopen({ exports: {} }, file, os.constants.dlopen.RTLD_NOW | RTLD_NODELETE);
  } catch (error) {
    // Expected: a plain shared library registers no Node module. Anything else is a real failure.
    if (!/did not self-register/.test((error as Error).message)) throw error;
  }
}

/**
 * Finds and loads the libtorch `manifest` asks for (any libtorch ≥ 2 when there is no manifest).
 * Throws ERR_VIDEOMAE_NATIVE_LOAD naming every place searched and the version needed.
 */
export function preloadLibtorch(locatorFile: string, manifest: BuildManifest | null, addonFile: string): LoadedLibtorch {
  if (loaded) return loaded;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const locator = require(locatorFile) as LibtorchLocator;
  const searched: LibtorchPlace[] = [];
  for (const place of locator.libtorchCandidates()) {
    searched.push(place);
    if (!suits(place, manifest)) continue;
    const dir = place.dir!;
    try {
      for (const file of sharedObjects(dir, manifest)) dlopenGlobal(file);
    } catch (error) {
      throw new VideomaeError(
        `videomae: cannot load libtorch from ${dir} (${place.place}): ${(error as Error).message.split('\n')[0]}`,
        'ERR_VIDEOMAE_NATIVE_LOAD',
        { cause: error },
      );
    }
    loaded = { dir, place: place.place, version: place.version ?? 'unknown' };
    return loaded;
  }
  const needed = manifest ? `libtorch ${manifest.libtorch.version}${manifest.libtorch.cuda ? ' with CUDA' : ''}` : 'a libtorch ≥ 2';
  throw new VideomaeError(
    `videomae: the native addon ${addonFile} needs ${needed} (the version it was built against) and none was found. ` +
      `Searched, in order: ${searched.map(describePlace).join('; ')}. ` +
      `Fetch it into the cache with \`node ${path.relative(process.cwd(), locatorFile) || locatorFile} --fetch\`, ` +
      `or set LIBTORCH to an unpacked libtorch ${manifest ? release(manifest.libtorch.version) : ''}`.trimEnd() +
      '.',
    'ERR_VIDEOMAE_NATIVE_LOAD',
  );
}

/** The libtorch this process loaded for the addon (null before the first load). */
export function loadedLibtorch(): LoadedLibtorch | null {
  return loaded ?? null;
}
