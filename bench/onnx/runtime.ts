/**
 * onnxruntime-node for the onnx peer, installed on first use into the package cache
 * ($VIDEOMAE_CACHE or ~/.cache/videomae, bench-node/) rather than as a devDependency: it carries
 * ~300 MB of binaries for every platform, which no test and no user of the package needs.
 * ONNXRUNTIME_NODE_INSTALL=skip: its install script would otherwise try to download CUDA libraries
 * (the CPU runtime is inside the package).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ONNXRUNTIME_NODE_VERSION = '1.31.1';

function cacheRoot(): string {
  return process.env.VIDEOMAE_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'videomae');
}

/** The folder whose node_modules holds onnxruntime-node (installed there once, with npm). */
export function onnxRuntimeFolder(): string {
  const prefix = path.join(cacheRoot(), 'bench-node', `onnxruntime-node-${ONNXRUNTIME_NODE_VERSION}`);
  const entry = path.join(prefix, 'node_modules', 'onnxruntime-node', 'package.json');
  if (!fs.existsSync(entry)) {
    fs.mkdirSync(prefix, { recursive: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    execFileSync(
      npm,
      ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', `onnxruntime-node@${ONNXRUNTIME_NODE_VERSION}`],
      {
        env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  }
  return prefix;
}

/** require('onnxruntime-node') from that folder. */
export function loadOnnxRuntime<T>(): T {
  const prefix = onnxRuntimeFolder();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve('onnxruntime-node', { paths: [prefix] })) as T;
}
