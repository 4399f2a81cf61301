'use strict';
// Builds the addon with cmake-js into build/Release/videomae.node against the libtorch that
// scripts/libtorch.js resolves (fetching the pinned wheel if none is found).
//   node scripts/build-native.js [--force] [--out DIR] [--debug]
// Skips the build when the .node is newer than every native source, CMakeLists.txt and this
// script (set-up runs it on every `npm test`). Beside the .node it writes its build manifest,
// videomae.node.json: the package version and the libtorch version it needs at load time (the
// addon has no RUNPATH to libtorch; lib/native/libtorch-preload.ts reads the manifest).
// VIDEOMAE_WERROR=0 builds without -Werror (the npm install hook on a user's compiler).
// VIDEOMAE_SANITIZE=address,undefined builds an instrumented addon for `npm run test:asan`
// (scripts/test-asan.sh) into build-asan/ (the default --out then; build/ is refused, so the
// ordinary build is never replaced by an instrumented one). Its manifest records `sanitize`.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { resolveLibtorch, wantCuda } = require('./libtorch');

const root = path.resolve(__dirname, '..');

function newestMtime(entry) {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

function manifestFor(libtorch, cuda, sanitize) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  return {
    packageVersion: pkg.version,
    napiVersion: pkg.binary.napi_versions[0],
    libtorch: { version: libtorch.version, cuda: Boolean(cuda && libtorch.cuda), builtAgainst: libtorch.dir },
    // Only in sanitizer builds: the ordinary manifest stays as it was.
    ...(sanitize ? { sanitize } : {}),
  };
}

function readManifest(addon) {
  try {
    return JSON.parse(fs.readFileSync(`${addon}.json`, 'utf8'));
  } catch {
    return null;
  }
}

function upToDate(addon, libtorch, manifest) {
  if (!fs.existsSync(addon)) return false;
  const existing = readManifest(addon);
  if (!existing || JSON.stringify(existing) !== JSON.stringify(manifest)) return false;
  const sources = ['native', 'cmake', 'CMakeLists.txt', 'scripts/build-native.js', 'package.json'].map((p) => path.join(root, p));
  const newest = Math.max(...sources.filter((p) => fs.existsSync(p)).map(newestMtime));
  return fs.statSync(addon).mtimeMs >= newest;
}

function cudaDefines(libtorch) {
  // nvrtc from the nvidia wheel unpacked beside torch/ (the partial CUDA toolkit here lacks it).
  const nvrtc = path.join(path.dirname(libtorch.dir), 'nvidia', 'cu13', 'lib', 'libnvrtc.so.13');
  return fs.existsSync(nvrtc) ? [`--CDCUDA_NVRTC_LIB=${nvrtc}`] : [];
}

// cmake-js configures only a build folder that has no CMakeCache.txt yet, so a -D it passes later
// never reaches the cache: drop the cache when it holds another sanitizer list than the one asked
// for (the objects rebuild anyway when the flags change). A folder that never had one (build/,
// without VIDEOMAE_SANITIZE) is left alone.
function dropCacheOfOtherSanitizers(out, sanitize) {
  const cache = path.join(out, 'CMakeCache.txt');
  if (!fs.existsSync(cache)) return;
  const cached = /^VIDEOMAE_SANITIZE:STRING=(.*)$/m.exec(fs.readFileSync(cache, 'utf8'))?.[1] ?? '';
  if (cached !== sanitize) fs.rmSync(cache);
}

function main() {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const sanitize = (process.env.VIDEOMAE_SANITIZE || '').trim();
  if (sanitize && !/^[a-z,-]+$/.test(sanitize)) {
    throw new Error(`VIDEOMAE_SANITIZE=${sanitize}: expected a -fsanitize= list such as address,undefined`);
  }
  const out = outIndex >= 0 ? path.resolve(args[outIndex + 1]) : path.join(root, sanitize ? 'build-asan' : 'build');
  if (sanitize && out === path.join(root, 'build')) {
    throw new Error('VIDEOMAE_SANITIZE builds never go to build/ (the addon everyone loads): use --out build-asan');
  }
  const libtorch = resolveLibtorch({ fetch: true });
  const cuda = wantCuda();
  if (cuda && !libtorch.cuda) throw new Error(`VIDEOMAE_CUDA=1 but ${libtorch.dir} has no libtorch_cuda.so`);
  const config = args.includes('--debug') ? 'Debug' : 'Release';
  const addon = path.join(out, config, 'videomae.node');
  const manifest = manifestFor(libtorch, cuda, sanitize);
  if (!args.includes('--force') && upToDate(addon, libtorch, manifest)) {
    process.stderr.write(`[videomae] native addon up to date: ${path.relative(root, addon)}\n`);
    return;
  }
  process.stderr.write(`[videomae] building the native addon against libtorch ${libtorch.version} (${libtorch.source}: ${libtorch.dir})\n`);
  dropCacheOfOtherSanitizers(out, sanitize);
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const cmakeArgs = [
    cmakeJs,
    'compile',
    '--out',
    out,
    ...(config === 'Debug' ? ['--debug'] : []),
    `--CDLIBTORCH_DIR=${libtorch.dir}`,
    `--CDLIBTORCH_SOURCE=${libtorch.source} ${libtorch.version}`,
    `--CDVIDEOMAE_CUDA=${cuda && libtorch.cuda ? 'ON' : 'OFF'}`,
    `--CDVIDEOMAE_WERROR=${process.env.VIDEOMAE_WERROR === '0' ? 'OFF' : 'ON'}`,
    ...(sanitize ? [`--CDVIDEOMAE_SANITIZE=${sanitize}`] : []),
    // VIDEOMAE_NCCL=1 with the CUDA flavour: the NCCL process group (never built in CI: no CUDA toolkit there).
    ...(cuda && process.env.VIDEOMAE_NCCL === '1' ? ['--CDVIDEOMAE_NCCL=ON'] : []),
    ...(cuda ? cudaDefines(libtorch) : []),
  ];
  const env = {
    ...process.env,
    // ccache + precompiled headers: these sloppiness settings let ccache cache PCH users. No
    // CCACHE_BASEDIR: with it, a checkout in another folder was served the .gch compiled in the
    // first one, which GCC then rejects as invalid for this folder (seen: every torch file failing
    // under -Werror=invalid-pch in a second clone).
    CCACHE_SLOPPINESS: 'pch_defines,time_macros,include_file_mtime,include_file_ctime',
    CMAKE_BUILD_PARALLEL_LEVEL: process.env.CMAKE_BUILD_PARALLEL_LEVEL || String(require('node:os').availableParallelism()),
  };
  const started = Date.now();
  execFileSync(process.execPath, cmakeArgs, { cwd: root, stdio: 'inherit', env });
  fs.writeFileSync(`${addon}.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  process.stderr.write(`[videomae] built ${path.relative(root, addon)} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`[videomae] native build failed: ${error.message}\n`);
  process.exitCode = 1;
}
