/**
 * The packed package on a machine that is not ours: `npm pack`, then `npm install` of the tarball
 * into an empty project by another user (a non-root account the test creates when it runs as root),
 * with another HOME, libtorch in a folder the build never saw, and no compiler, cmake or Python on
 * PATH. The prebuild must load (it has no RUNPATH to the build machine's libtorch) and classify a
 * video to the same scores as this checkout's own build; without any libtorch the load must fail
 * with ERR_VIDEOMAE_NATIVE_LOAD naming every place searched and the version needed.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from '../../lib/pipeline';
import { makeVideo } from '../native/pipeline-helpers';
import { tinyFixture } from '../native/model-helpers';
import { repoRoot, runNode } from '../helpers/run-node';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cachedDir } = require('../../scripts/libtorch.js') as { cachedDir(flavour: 'cpu' | 'cuda'): string };
/** The cache's folder name for the pinned CPU libtorch (libtorch-<version>/torch). */
const cacheEntry = path.relative(path.dirname(path.dirname(cachedDir('cpu'))), cachedDir('cpu'));
/** The libtorch version this checkout's build (and so the prebuild) was made against. */
const builtFor = JSON.parse(fs.readFileSync(path.join(repoRoot, 'build', 'Release', 'videomae.node.json'), 'utf8')).libtorch
  .version as string;

const USER = 'videomae-pack-test';

interface Account {
  uid?: number;
  gid?: number;
  name: string;
}

/** A non-root account when we are root (created once, kept: useradd is slow), else ourselves. */
function testAccount(): Account {
  if (process.getuid?.() !== 0) return { name: os.userInfo().username };
  const lookup = spawnSync('id', ['-u', USER], { encoding: 'utf8' });
  if (lookup.status !== 0) execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', USER]);
  const uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim());
  return { uid, gid, name: USER };
}

/** A PATH of node and npm only: no cc, g++, cmake, make or python3 to fall back on. */
function bareBin(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.symlinkSync(process.execPath, path.join(dir, 'node'));
  const npm = fs.realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
  fs.symlinkSync(npm, path.join(dir, 'npm'));
  fs.symlinkSync('/bin/sh', path.join(dir, 'sh'));
  return dir;
}

/** A copy of the build's libtorch under another root (hard links where the file system allows). */
function relocatedLibtorch(destination: string): string {
  const built = JSON.parse(fs.readFileSync(path.join(repoRoot, 'build', 'Release', 'videomae.node.json'), 'utf8')).libtorch
    .builtAgainst as string;
  fs.mkdirSync(path.dirname(destination), { recursive: true });
  const link = spawnSync('cp', ['-al', built, destination]);
  if (link.status !== 0) execFileSync('cp', ['-r', built, destination]);
  return destination;
}

describe('npm pack → install as another user → load and classify', () => {
  let work: string;
  let account: Account;
  let bin: string;
  let app: string;
  let home: string;
  let cache: string;
  let video: string;
  let model: string;
  let installed: string;

  const as = (command: string, args: string[], cwd: string, env: Record<string, string>, timeout = 120_000): SpawnSyncReturns<string> =>
    spawnSync(command, args, {
      cwd,
      uid: account.uid,
      gid: account.gid,
      encoding: 'utf8',
      timeout,
      // A clean environment: nothing of ours leaks in (no LIBTORCH, VIDEOMAE_*, XDG_CACHE_HOME).
      env: { HOME: home, PATH: bin, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...env },
    });

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-pack-'));
    fs.chmodSync(work, 0o755);
    account = testAccount();
    bin = bareBin(path.join(work, 'bin'));
    home = path.join(work, 'home');
    app = path.join(work, 'app');
    for (const dir of [home, app]) {
      fs.mkdirSync(dir);
      if (account.uid !== undefined) fs.chownSync(dir, account.uid, account.gid!);
    }
    cache = path.join(work, 'elsewhere', 'cache');
    relocatedLibtorch(path.join(cache, cacheEntry));
    video = makeVideo(path.join(work, 'clip.avi'), { width: 64, height: 48, frames: 12 });
    model = path.join(work, 'model');
    fs.cpSync(tinyFixture, model, { recursive: true });
  });

  afterAll(() => {
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('installs the tarball without a compiler, loads the prebuild from the relocated libtorch and classifies', async () => {
    const prebuild = runNode([path.join(repoRoot, 'scripts', 'prebuild.js')], { timeoutMs: 300_000 });
    expect(prebuild.status).toBe(0);
    const prebuilt = path.join(repoRoot, 'prebuilds', `${process.platform}-${process.arch}`, 'videomae.node');
    expect(execFileSync('readelf', ['-d', prebuilt], { encoding: 'utf8' })).not.toMatch(/RUNPATH|RPATH/);

    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
        cwd: repoRoot,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = packed[0]!.files.map((file) => file.path);
    expect(files).toContain(`prebuilds/${process.platform}-${process.arch}/videomae.node`);
    expect(files).toContain(`prebuilds/${process.platform}-${process.arch}/videomae.node.json`);
    expect(files).toContain('dist/lib/index.js');
    expect(files.some((file) => file.startsWith('test/') || file.startsWith('node_modules/') || file.startsWith('build/'))).toBe(false);
    const tarball = path.join(work, packed[0]!.filename);
    fs.chmodSync(tarball, 0o644);

    // npm 11 runs a dependency's install script only when the project allows it (allowScripts, keyed
    // by the spec it was installed from); older npm runs it anyway and ignores the field.
    const allowScripts = { videomae: true, [`file:${tarball}`]: true };
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, allowScripts }));
    if (account.uid !== undefined) fs.chownSync(path.join(app, 'package.json'), account.uid, account.gid!);
    const install = as('npm', ['install', '--foreground-scripts', tarball], app, { VIDEOMAE_CACHE: cache }, 240_000);
    expect(`${install.status} ${install.stderr}`).toMatch(/^0 /);
    // The install hook ran, found libtorch in the relocated cache and took the prebuild (there is
    // no compiler to build with: a source build would have failed the install).
    expect(install.stdout + install.stderr).toContain('[videomae] using the prebuilt addon in prebuilds/');

    installed = path.join(app, 'node_modules', 'videomae');
    expect(fs.existsSync(path.join(installed, 'build'))).toBe(false);
    const script = [
      "const v = require('videomae');",
      '(async () => {',
      `  const classify = await v.pipeline('video-classification', { model: ${JSON.stringify(model)} });`,
      `  const predictions = await classify(${JSON.stringify(video)}, { topK: 5 });`,
      '  classify.dispose();',
      '  const i = v.info();',
      '  process.stdout.write(JSON.stringify({ predictions, addon: i.addon, libtorch: { path: i.libtorch.path, source: i.libtorch.source } }));',
      '})().catch((e) => { process.stderr.write(`${e.code} ${e.message}`); process.exit(1); });',
    ].join('\n');
    const run = as('node', ['-e', script], app, { VIDEOMAE_CACHE: cache });
    expect(`${run.status} ${run.stderr}`).toBe('0 ');
    const result = JSON.parse(run.stdout);
    expect(result.addon.origin).toBe('prebuild');
    expect(result.addon.path).toBe(
      path.join(fs.realpathSync(installed), 'prebuilds', `${process.platform}-${process.arch}`, 'videomae.node'),
    );
    expect(result.libtorch).toEqual({ path: path.join(cache, cacheEntry), source: 'cache' });

    // The same clip through this checkout's own build: the same scores.
    const local = await pipeline('video-classification', { model });
    try {
      const expected = await local(video, { topK: 5 });
      expect(result.predictions.map((p: { label: string }) => p.label)).toEqual(expected.map((p) => p.label));
      result.predictions.forEach((p: { score: number }, i: number) => expect(Math.abs(p.score - expected[i]!.score)).toBeLessThan(1e-6));
    } finally {
      local.dispose();
    }

    // LIBTORCH names the folder directly; the cache is then not needed.
    const direct = as('node', ['-e', "process.stdout.write(require('videomae').info().libtorch.source)"], app, {
      LIBTORCH: path.join(cache, cacheEntry),
      VIDEOMAE_CACHE: path.join(work, 'empty-cache'),
    });
    expect(`${direct.status} ${direct.stdout}${direct.stderr}`).toBe('0 LIBTORCH');

    // No libtorch anywhere: a clear error, naming what was searched and what is needed.
    const missing = as(
      'node',
      ['-e', "try { require('videomae').info() } catch (e) { process.stdout.write(`${e.code}\\n${e.message}`) }"],
      app,
      {
        VIDEOMAE_CACHE: path.join(work, 'empty-cache'),
      },
    );
    expect(missing.status).toBe(0);
    const [code, message] = missing.stdout.split('\n');
    expect(code).toBe('ERR_VIDEOMAE_NATIVE_LOAD');
    expect(message).toContain(`needs libtorch ${builtFor}`);
    expect(message).toContain(`cache ${path.join(work, 'empty-cache', cacheEntry)}: no libtorch there`);
    expect(message).toMatch(/python torch \(python3\): no torch installed/);
    expect(message).toContain('system /usr/local/libtorch: no libtorch there');
  }, 600_000);

  it('never uses a build/Release of another package version silently', () => {
    const release = path.join(installed, 'build', 'Release');
    const prebuilds = path.join(installed, 'prebuilds', `${process.platform}-${process.arch}`);
    const pkgFile = path.join(installed, 'package.json');
    const version = JSON.parse(fs.readFileSync(pkgFile, 'utf8')).version as string;
    const manifest = JSON.parse(fs.readFileSync(path.join(prebuilds, 'videomae.node.json'), 'utf8'));
    fs.mkdirSync(release, { recursive: true });
    fs.copyFileSync(path.join(prebuilds, 'videomae.node'), path.join(release, 'videomae.node'));
    const writeManifest = (packageVersion: string) =>
      fs.writeFileSync(path.join(release, 'videomae.node.json'), JSON.stringify({ ...manifest, packageVersion }));
    const load = () =>
      as(
        'node',
        [
          '-e',
          "try { process.stdout.write(require('videomae').info().addon.origin) } catch (e) { process.stdout.write(`${e.code}: ${e.message}`) }",
        ],
        app,
        { VIDEOMAE_CACHE: cache },
      );

    // node-gyp-build resolves build/Release first; a stale one is skipped for the prebuild, loudly.
    writeManifest('0.0.0-stale');
    const skipped = load();
    expect(skipped.stdout).toBe('prebuild');
    expect(skipped.stderr).toContain(
      `build/Release/videomae.node was built for videomae 0.0.0-stale, this package is ${version}: skipped for prebuilds/`,
    );

    // The same build with no prebuild to fall back on: an error, not a stale addon.
    fs.renameSync(prebuilds, `${prebuilds}.away`);
    try {
      expect(load().stdout).toMatch(/^ERR_VIDEOMAE_NATIVE_LOAD: .*was built for videomae 0\.0\.0-stale.*npm run build:native/);
    } finally {
      fs.renameSync(`${prebuilds}.away`, prebuilds);
    }

    // A manifest that claims this version is not trusted alone: the binary's compiled-in version decides.
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    fs.writeFileSync(pkgFile, JSON.stringify({ ...pkg, version: '9.9.9' }));
    writeManifest('9.9.9');
    try {
      expect(load().stdout).toBe(
        `ERR_VIDEOMAE_NATIVE_LOAD: videomae: ${path.join(fs.realpathSync(installed), 'build', 'Release', 'videomae.node')} was built from videomae ${version}, this package is 9.9.9: rebuild it (\`npm run build:native\`) or reinstall the package`,
      );
    } finally {
      fs.writeFileSync(pkgFile, JSON.stringify(pkg));
      fs.rmSync(path.join(installed, 'build'), { recursive: true, force: true });
    }
  });
});
