/** info(): versions and capabilities of this installation (package, Node-API, libtorch, CUDA, FFmpeg). */
import * as os from 'node:os';
import { addonOrigin, native, packageJson, packageRoot, type AddonOrigin, type NativeInfo } from './native/binding';
import { loadedLibtorch, type BuildManifest } from './native/libtorch-preload';
import { availableBackends } from './distributed/process-group';

export interface VideomaeInfo extends NativeInfo {
  package: { name: string; version: string; root: string };
  node: { version: string; platform: string; arch: string };
  /** The loaded .node, how it was chosen, and its build manifest (versions it was built for). */
  addon: { path: string | null; origin: AddonOrigin['origin'] | null; manifest: BuildManifest | null };
  cpu: NativeInfo['cpu'] & { model: string; cores: number };
  /** Process-group backends of this build (data-parallel training). */
  distributed: { backends: string[] };
}

export function info(): VideomaeInfo {
  const nativeInfo = native().info();
  const pkg = packageJson();
  const cpus = os.cpus();
  return {
    ...nativeInfo,
    package: { name: pkg.name, version: pkg.version, root: packageRoot() },
    node: { version: process.version, platform: process.platform, arch: process.arch },
    libtorch: { ...nativeInfo.libtorch, source: loadedLibtorch()?.place ?? nativeInfo.libtorch.source },
    addon: { path: addonOrigin()?.path ?? null, origin: addonOrigin()?.origin ?? null, manifest: addonOrigin()?.manifest ?? null },
    cpu: { ...nativeInfo.cpu, model: cpus[0]?.model ?? 'unknown', cores: os.availableParallelism() },
    distributed: { backends: availableBackends() },
  };
}
