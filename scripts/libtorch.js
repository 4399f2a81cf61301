// Finds (or fetches) libtorch, for the build and — through lib/native/libtorch-preload.ts — for
// loading the addon, which has no RUNPATH to the build machine's libtorch. Order:
//   1. LIBTORCH=/path              an unpacked official libtorch (CPU or CUDA)
//   2. the cache                   the pinned torch wheel, fetched with `pip download --no-deps`
//                                  and unpacked (lib/, include/, share/ only) under
//                                  $VIDEOMAE_CACHE or $XDG_CACHE_HOME/videomae (~/.cache/videomae),
//                                  reused across runs
//   3. the installed Python torch  located with importlib's find_spec, which does not import torch
//   4. a system install            /usr/local/libtorch, /opt/libtorch (torch >= 2 only: Debian's
//                                  1.13 uses a generic BLAS and old headers)
// VIDEOMAE_CUDA=1 selects the CUDA flavour for the build (torch 2.14.1 + its nvidia-* wheels).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const PINNED = {
  cpu: { requirement: 'torch==2.13.0+cpu', version: '2.13.0+cpu' },
  cuda: { requirement: 'torch==2.14.1', version: '2.14.1' },
};
// The nvidia wheels libtorch_cuda 2.14.1 links against; unpacked beside torch/ as in site-packages.
const CUDA_WHEELS = [
  'nvidia-cuda-nvrtc',
  'nvidia-cublas',
  'nvidia-cudnn-cu13',
  'nvidia-cufft',
  'nvidia-curand',
  'nvidia-cusolver',
  'nvidia-cusparse',
  'nvidia-cusparselt-cu13',
  'nvidia-nccl-cu13',
  'nvidia-nvjitlink',
  'nvidia-nvtx',
  'nvidia-cuda-cupti',
  'nvidia-cufile',
  'nvidia-nvshmem-cu13',
  'cuda-toolkit',
];

function log(message) {
  process.stderr.write(`[videomae] ${message}\n`);
}

function cacheRoot() {
  if (process.env.VIDEOMAE_CACHE) return process.env.VIDEOMAE_CACHE;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'videomae');
}

function wantCuda() {
  return process.env.VIDEOMAE_CUDA === '1' || process.env.VIDEOMAE_CUDA === 'true';
}

function isLibtorch(dir) {
  return (
    Boolean(dir) &&
    fs.existsSync(path.join(dir, 'lib', 'libtorch_cpu.so')) &&
    fs.existsSync(path.join(dir, 'share', 'cmake', 'Torch', 'TorchConfig.cmake')) &&
    fs.existsSync(path.join(dir, 'include', 'ATen', 'ATen.h'))
  );
}

function versionOf(dir) {
  const versionPy = path.join(dir, 'version.py');
  if (fs.existsSync(versionPy)) {
    const match = /__version__\s*=\s*'([^']+)'/.exec(fs.readFileSync(versionPy, 'utf8'));
    if (match) return match[1];
  }
  const header = path.join(dir, 'include', 'torch', 'headeronly', 'version.h');
  const legacy = path.join(dir, 'include', 'torch', 'csrc', 'api', 'include', 'torch', 'version.h');
  for (const file of [header, legacy]) {
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    const major = /TORCH_VERSION_MAJOR (\d+)/.exec(text);
    const minor = /TORCH_VERSION_MINOR (\d+)/.exec(text);
    const patch = /TORCH_VERSION_PATCH (\d+)/.exec(text);
    if (major && minor && patch) return `${major[1]}.${minor[1]}.${patch[1]}`;
  }
  return 'unknown';
}

function hasCuda(dir) {
  return fs.existsSync(path.join(dir, 'lib', 'libtorch_cuda.so'));
}

function describe(dir, source) {
  return { dir, source, version: versionOf(dir), cuda: hasCuda(dir) };
}

function fromEnv() {
  const dir = process.env.LIBTORCH;
  if (!dir) return null;
  if (!isLibtorch(dir)) {
    throw new Error(`LIBTORCH=${dir} is not a libtorch folder (expected lib/libtorch_cpu.so, include/, share/cmake/Torch)`);
  }
  return describe(dir, 'LIBTORCH');
}

function pythonCandidates() {
  return [process.env.PYTHON, 'python3', 'python'].filter(Boolean);
}

// find_spec on a top-level package locates it without running its __init__.
function pythonTorchDir(python) {
  const code =
    "import importlib.util as u; s=u.find_spec('torch'); print(s.submodule_search_locations[0] if s and s.submodule_search_locations else '')";
  try {
    return execFileSync(python, ['-c', code], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 }).trim() || null;
  } catch {
    return null; // no such interpreter, or no torch in it
  }
}

function fromPythonTorch() {
  for (const python of pythonCandidates()) {
    const dir = pythonTorchDir(python);
    if (dir && isLibtorch(dir) && majorVersion(dir) >= 2) return describe(dir, `python torch (${python})`);
  }
  return null;
}

function majorVersion(dir) {
  const version = versionOf(dir);
  const major = Number.parseInt(version, 10);
  return Number.isFinite(major) ? major : 0;
}

const SYSTEM_DIRS = ['/usr/local/libtorch', '/opt/libtorch', '/usr/local/lib/libtorch'];

function fromSystem() {
  for (const dir of SYSTEM_DIRS) {
    if (isLibtorch(dir) && majorVersion(dir) >= 2) return describe(dir, 'system');
  }
  return null;
}

function cachedDir(flavour) {
  return path.join(cacheRoot(), `libtorch-${PINNED[flavour].version}${flavour === 'cuda' ? '-cu130' : ''}`, 'torch');
}

function fromCache(flavour) {
  const dir = cachedDir(flavour);
  return isLibtorch(dir) ? describe(dir, 'cache') : null;
}

// pip's configured indexes (file:// folders on machines without the internet) passed explicitly,
// so pip never spends retries on an unreachable default index.
function pipIndexArgs() {
  let listing = '';
  try {
    listing = execFileSync('python3', ['-m', 'pip', 'config', 'list'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return [];
  }
  const values = (key) => {
    const match = new RegExp(`^[^\\n]*\\.${key}='([^']*)'`, 'm').exec(listing);
    return match ? match[1].split(/\s+/).filter(Boolean) : [];
  };
  const indexes = [...values('index-url'), ...values('extra-index-url')];
  if (indexes.length === 0) return [];
  const args = ['--index-url', indexes[0]];
  for (const extra of indexes.slice(1)) args.push('--extra-index-url', extra);
  return args;
}

function pipDownload(requirements, dest) {
  fs.mkdirSync(dest, { recursive: true });
  const args = ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '-d', dest, ...pipIndexArgs(), ...requirements];
  log(`fetching ${requirements.join(' ')} with pip download (libtorch is not installed anywhere else)`);
  execFileSync('python3', args, { stdio: ['ignore', 'inherit', 'inherit'] });
}

function unzipMembers(wheel, destination, members) {
  fs.mkdirSync(destination, { recursive: true });
  try {
    execFileSync('unzip', ['-q', '-o', wheel, ...members, '-d', destination], { stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (error) {
    // unzip exits 11 when a pattern matched nothing (e.g. a wheel without share/): not fatal.
    if (error.status !== 11) throw error;
  }
}

function findWheel(folder, prefix) {
  const wheel = fs.readdirSync(folder).find((name) => name.startsWith(prefix) && name.endsWith('.whl'));
  if (!wheel) throw new Error(`pip download left no ${prefix}*.whl in ${folder}`);
  return path.join(folder, wheel);
}

function fetchIntoCache(flavour) {
  const dir = cachedDir(flavour);
  const root = path.dirname(dir);
  const staging = `${root}.partial-${process.pid}`;
  const wheels = path.join(cacheRoot(), 'wheels');
  fs.rmSync(staging, { recursive: true, force: true });
  pipDownload([PINNED[flavour].requirement], wheels);
  const torchWheel = findWheel(wheels, `torch-${PINNED[flavour].version}`);
  log(`unpacking lib/, include/, share/ of ${path.basename(torchWheel)} into ${root}`);
  unzipMembers(torchWheel, staging, ['torch/lib/*', 'torch/include/*', 'torch/share/*', 'torch/version.py']);
  if (flavour === 'cuda') {
    pipDownload(CUDA_WHEELS, wheels);
    for (const name of CUDA_WHEELS) {
      const wheel = findWheel(wheels, name.replace(/-/g, '_'));
      unzipMembers(wheel, staging, ['nvidia/*']);
    }
  }
  // Rename last, so an interrupted fetch never leaves a half-unpacked libtorch that looks complete.
  fs.rmSync(root, { recursive: true, force: true });
  fs.renameSync(staging, root);
  return describe(dir, 'cache');
}

/** Resolves libtorch for the build; with { fetch: true } falls back to downloading the pinned wheel. */
function resolveLibtorch({ fetch = false } = {}) {
  const flavour = wantCuda() ? 'cuda' : 'cpu';
  const env = fromEnv();
  if (env) return env;
  const cached = fromCache(flavour);
  if (cached) return cached;
  if (flavour === 'cpu') {
    const found = fromPythonTorch() || fromSystem();
    if (found) return found;
  }
  if (!fetch) return null;
  return fetchIntoCache(flavour);
}

/**
 * Every place the load-time search looks, in the build's order, with what it holds:
 * { place, dir, found, version?, cuda? }. A generator, so that a search stops at its first match
 * (no Python is started when LIBTORCH or the cache has it); a place without libtorch is still
 * yielded, so that a failed load can name everything it searched.
 */
function* libtorchCandidates() {
  const at = (place, dir) =>
    isLibtorch(dir) ? { place, dir, found: true, version: versionOf(dir), cuda: hasCuda(dir) } : { place, dir, found: false };
  if (process.env.LIBTORCH) yield at('LIBTORCH', process.env.LIBTORCH);
  for (const flavour of ['cpu', 'cuda']) yield at('cache', cachedDir(flavour));
  for (const python of pythonCandidates()) {
    const dir = pythonTorchDir(python);
    yield dir ? at(`python torch (${python})`, dir) : { place: `python torch (${python})`, dir: null, found: false };
  }
  for (const dir of SYSTEM_DIRS) yield at('system', dir);
}

module.exports = { resolveLibtorch, libtorchCandidates, cacheRoot, cachedDir, wantCuda, isLibtorch, versionOf };

if (require.main === module) {
  const found = resolveLibtorch({ fetch: process.argv.includes('--fetch') });
  process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
  if (!found) process.exitCode = 1;
}
