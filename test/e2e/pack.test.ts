import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot, runNode } from '../helpers/run-node';

// The packed package installs into an empty project and loads its prebuilt addon: no compiler,
// no cmake, no build/ folder in the installed copy.
describe('npm pack → install → load', () => {
  let workDir: string;

  beforeAll(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-pack-'));
  });

  afterAll(() => {
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('loads the prebuild from an installed tarball', () => {
    const npm = (args: string[], cwd: string) =>
      execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });
    const prebuild = runNode([path.join(repoRoot, 'scripts', 'prebuild.js')], { timeoutMs: 300_000 });
    expect(prebuild.status).toBe(0);
    expect(fs.existsSync(path.join(repoRoot, 'prebuilds', `${process.platform}-${process.arch}`, 'videomae.node'))).toBe(true);

    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', workDir], repoRoot)) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = packed[0]!.files.map((file) => file.path);
    expect(files).toContain(`prebuilds/${process.platform}-${process.arch}/videomae.node`);
    expect(files).toContain('dist/lib/index.js');
    expect(files.some((file) => file.startsWith('test/') || file.startsWith('node_modules/'))).toBe(false);

    const app = path.join(workDir, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    npm(['install', '--prefer-offline', path.join(workDir, packed[0]!.filename)], app);

    const installed = path.join(app, 'node_modules', 'videomae');
    expect(fs.existsSync(path.join(installed, 'build'))).toBe(false);
    const run = runNode(['-e', "const v = require('videomae'); process.stdout.write(JSON.stringify(v.info()))"], { cwd: app });
    expect(run.stderr).toBe('');
    const info = JSON.parse(run.stdout);
    expect(info.package.root).toBe(fs.realpathSync(installed));
    expect(info.addon.path).toContain(path.join('prebuilds', `${process.platform}-${process.arch}`));
    expect(info.libtorch.version).toMatch(/^2\./);

    const cli = runNode([path.join(installed, 'bin', 'videomae.js'), 'info', '--json'], { cwd: app });
    expect(cli.status).toBe(0);
    expect(JSON.parse(cli.stdout).ffmpeg.libraries.libavcodec).toMatch(/^\d+\./);
  }, 300_000);
});
