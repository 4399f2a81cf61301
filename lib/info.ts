/** info(): versions and capabilities of this installation (package, Node-API, libtorch, CUDA, FFmpeg). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { native, packageRoot, type NativeInfo } from './native/binding';

export interface VideomaeInfo extends NativeInfo {
  package: { name: string; version: string; root: string };
  node: { version: string; platform: string; arch: string };
  addon: { path: string | null };
  cpu: NativeInfo['cpu'] & { model: string; cores: number };
}

function packageJson(): { name: string; version: string } {
  return JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { name: string; version: string };
}

function loadedAddonPath(): string | null {
  const loaded = Object.keys(require.cache).find((file) => file.endsWith('.node') && path.basename(file).startsWith('videomae'));
  return loaded ?? process.env.VIDEOMAE_NATIVE ?? null;
}

export function info(): VideomaeInfo {
  const nativeInfo = native().info();
  const pkg = packageJson();
  const cpus = os.cpus();
  return {
    ...nativeInfo,
    package: { name: pkg.name, version: pkg.version, root: packageRoot() },
    node: { version: process.version, platform: process.platform, arch: process.arch },
    addon: { path: loadedAddonPath() },
    cpu: { ...nativeInfo.cpu, model: cpus[0]?.model ?? 'unknown', cores: os.availableParallelism() },
  };
}
