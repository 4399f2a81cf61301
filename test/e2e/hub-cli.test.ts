/**
 * `videomae login | logout | whoami | download` as real child processes (bin/videomae.js → dist/,
 * built by `npm run build:ts`) against the local fake hub, pointed at through HF_ENDPOINT. The
 * children run asynchronously (not spawnSync) because the fake hub answers from this process.
 * The hidden prompt and the progress bar need a terminal: they run under a pseudo-terminal made
 * by Python's pty module, and are skipped, saying so, where python3 is missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot, spawnCollect, type NodeRun } from '../helpers/run-node';
import { startFakeHub, type FakeHub } from '../helpers/fake-hub';

const cli = path.join(repoRoot, 'bin', 'videomae.js');
const ALICE = 'hf_aliceE2eToken0123456789abcdef';
const BOB = 'hf_bobE2eToken0123456789abcdefgh';
const ARCHIVE = crypto.randomBytes(200_000);
const hasPython = spawnSync('python3', ['-c', 'import pty'], { encoding: 'utf8' }).status === 0;

let hub: FakeHub;
let home: string;

beforeEach(async () => {
  hub = await startFakeHub();
  hub.tokens.set(ALICE, 'alice');
  hub.tokens.set(BOB, 'bob');
  hub.addRepo({ type: 'dataset', id: 'sayakpaul/ucf101-subset', files: { 'UCF101_subset.tar.gz': ARCHIVE, 'README.md': '# subset\n' } });
  hub.addRepo({ type: 'model', id: 'alice/private', private: true, files: { 'config.json': '{"a":1}' } });
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-hubcli-'));
});
afterEach(async () => {
  await hub.close();
  expect(hub.errors).toEqual([]);
  fs.rmSync(home, { recursive: true, force: true });
});

/** The child's environment: only this test's hub and folders, none of the developer's HF_* settings. */
function childEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(HF_|HUGGING_FACE_|HUGGINGFACE_)/.test(k)));
  return { ...env, HF_HOME: home, HF_ENDPOINT: hub.url, ...extra };
}

function videomae(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<NodeRun> {
  return spawnCollect(process.execPath, [cli, ...args], { env: childEnv(options.env ?? {}), input: options.input, timeoutMs: 60_000 });
}

// Runs argv under a pseudo-terminal; types `answer` + Enter once `waitFor` appears; prints all it saw.
const PTY_DRIVER = `
import os, pty, select, sys, time
wait_for, answer, argv = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
seen, sent, deadline = b'', not wait_for, time.time() + 60
while time.time() < deadline:
    if select.select([fd], [], [], 0.1)[0]:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        seen += data
    if not sent and wait_for in seen:
        os.write(fd, answer + b'\\r')
        sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode('utf8', 'replace'))
sys.exit(os.waitstatus_to_exitcode(status))
`;

function inTerminal(args: string[], waitFor: string, answer: string, env: NodeJS.ProcessEnv = {}): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', PTY_DRIVER, waitFor, answer, process.execPath, cli, ...args], {
      cwd: repoRoot,
      env: childEnv(env),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

function expectNoToken(run: NodeRun, ...tokens: string[]): void {
  for (const token of tokens) {
    expect(run.stdout).not.toContain(token);
    expect(run.stderr).not.toContain(token);
  }
  for (const r of hub.requests) for (const token of tokens) expect(r.url).not.toContain(token);
}

const tokenFile = () => path.join(home, 'token');

describe('videomae login / whoami / logout', () => {
  it('logs in with a token from stdin, checked with whoami, saved 0600, never printed', async () => {
    const run = await videomae(['login'], { input: `${ALICE}\n` });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('logged in as alice\n');
    expect(run.stderr).toBe(`videomae: token saved to ${tokenFile()}\n`);
    expect(fs.readFileSync(tokenFile(), 'utf8')).toBe(ALICE);
    expect(fs.statSync(tokenFile()).mode & 0o777).toBe(0o600);
    expect(hub.requests.map((r) => `${r.method} ${r.url} ${r.headers.authorization}`)).toEqual([`GET /api/whoami-v2 Bearer ${ALICE}`]);
    expectNoToken(run, ALICE);

    const me = await videomae(['whoami']);
    expect(me).toMatchObject({ status: 0, stdout: 'alice\n', stderr: '' });
    // HF_TOKEN goes before the saved file.
    await expect(videomae(['whoami'], { env: { HF_TOKEN: BOB } })).resolves.toMatchObject({ status: 0, stdout: 'bob\n' });
  }, 60_000);

  it('refuses a token the hub rejects, keeping the one saved before', async () => {
    fs.writeFileSync(tokenFile(), ALICE, { mode: 0o600 });
    const wrong = 'hf_wrongE2eToken0123456789abcdef';
    const run = await videomae(['login'], { input: wrong });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^videomae: the hub at http:\/\/127\.0\.0\.1:\d+ refused the token \(401: .*\); the token was not saved \[ERR_VIDEOMAE_INVALID_ARG\]\n$/,
    );
    expect(fs.readFileSync(tokenFile(), 'utf8')).toBe(ALICE);
    expectNoToken(run, wrong, ALICE);
    const notHf = await videomae(['login', '--token', 'ghp_something']);
    expect(notHf.status).toBe(1);
    expect(notHf.stderr).toContain('not a Hugging Face access token');
  }, 60_000);

  it('saves with a warning when the hub cannot be reached, and unchecked when offline', async () => {
    const url = hub.url;
    const unreachable = await videomae(['login', '--token', ALICE], { env: { HF_ENDPOINT: 'http://127.0.0.1:9' } });
    expect(unreachable.status).toBe(0);
    expect(unreachable.stdout).toBe(`token saved to ${tokenFile()}\n`);
    expect(unreachable.stderr).toMatch(
      /^videomae: warning: could not check the token \(the hub at http:\/\/127\.0\.0\.1:9 could not be reached/,
    );
    expectNoToken(unreachable, ALICE);
    fs.rmSync(tokenFile());

    const offline = await videomae(['login'], { input: ALICE, env: { HF_HUB_OFFLINE: '1', HF_ENDPOINT: url } });
    expect(offline.status).toBe(0);
    expect(offline.stderr).toContain('HF_HUB_OFFLINE is set: the token was not checked');
    expect(fs.readFileSync(tokenFile(), 'utf8')).toBe(ALICE);
    expect(hub.requests).toEqual([]);
    const whoOffline = await videomae(['whoami'], { env: { HF_HUB_OFFLINE: '1' } });
    expect(whoOffline.status).toBe(1);
    expect(whoOffline.stderr).toBe(
      'videomae: HF_HUB_OFFLINE is set: whoami has to ask the hub, which offline mode forbids [ERR_VIDEOMAE_IO]\n',
    );
  }, 60_000);

  it('writes to HF_TOKEN_PATH, logs out, and then whoami says not logged in', async () => {
    const custom = path.join(home, 'elsewhere', 'tok');
    await expect(videomae(['login', '--token', BOB], { env: { HF_TOKEN_PATH: custom } })).resolves.toMatchObject({
      status: 0,
      stdout: 'logged in as bob\n',
    });
    expect(fs.readFileSync(custom, 'utf8')).toBe(BOB);
    expect(fs.existsSync(tokenFile())).toBe(false);
    const out = await videomae(['logout'], { env: { HF_TOKEN_PATH: custom } });
    expect(out).toMatchObject({ status: 0, stdout: `logged out (removed ${custom})\n` });
    expect(fs.existsSync(custom)).toBe(false);
    const who = await videomae(['whoami'], { env: { HF_TOKEN_PATH: custom } });
    expect(who.status).toBe(1);
    expect(who.stderr).toContain(`not logged in: no HF_TOKEN and no token file at ${custom}`);
    await expect(videomae(['login'], { input: '\n' })).resolves.toMatchObject({
      status: 1,
      stderr: expect.stringContaining('no token given'),
    });
  }, 60_000);

  (hasPython ? it : it.skip)(
    'reads the token at a hidden prompt on a terminal, without echoing it',
    async () => {
      const run = await inTerminal(['login'], 'input hidden', ALICE);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('Hugging Face access token (input hidden): ');
      expect(run.stdout).toContain('logged in as alice');
      expect(run.stdout).not.toContain(ALICE); // everything the terminal showed
      expect(fs.readFileSync(tokenFile(), 'utf8')).toBe(ALICE);
    },
    60_000,
  );
});

describe('videomae download', () => {
  const repoDir = () => path.join(home, 'hub', 'datasets--sayakpaul--ucf101-subset');

  it('prints the snapshot path of each file, downloads once, and answers offline from the cache', async () => {
    const run = await videomae(['download', 'sayakpaul/ucf101-subset', 'UCF101_subset.tar.gz', 'README.md', '--repo-type', 'dataset']);
    expect(run.stderr).toBe(''); // not a terminal: no progress bar
    expect(run.status).toBe(0);
    const commit = hub.repo('dataset', 'sayakpaul/ucf101-subset')!.refs.get('main')!;
    const expected = ['UCF101_subset.tar.gz', 'README.md'].map((f) => path.join(repoDir(), 'snapshots', commit, f));
    expect(run.stdout).toBe(`${expected.join('\n')}\n`);
    expect(fs.readFileSync(expected[0]).equals(ARCHIVE)).toBe(true);
    expect(fs.readFileSync(path.join(repoDir(), 'refs', 'main'), 'utf8')).toBe(commit);

    hub.requests.length = 0;
    const offline = await videomae(['download', 'sayakpaul/ucf101-subset', 'UCF101_subset.tar.gz', '--repo-type', 'dataset'], {
      env: { HF_HUB_OFFLINE: '1' },
    });
    expect(offline).toMatchObject({ status: 0, stdout: `${expected[0]}\n` });
    expect(hub.requests).toEqual([]);
    const whole = await videomae([
      'download',
      'sayakpaul/ucf101-subset',
      '--repo-type',
      'dataset',
      '--cache-dir',
      path.join(home, 'other'),
    ]);
    expect(whole).toMatchObject({
      status: 0,
      stdout: `${path.join(home, 'other', 'datasets--sayakpaul--ucf101-subset', 'snapshots', commit)}\n`,
    });
  }, 60_000);

  it('fails clearly offline when the file is not cached, and for a bad --repo-type', async () => {
    const run = await videomae(['download', 'sayakpaul/ucf101-subset', 'README.md', '--repo-type', 'dataset'], {
      env: { HF_HUB_OFFLINE: '1' },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `videomae: dataset sayakpaul/ucf101-subset@main: HF_HUB_OFFLINE is set and README.md is not in the cache ${repoDir()} [ERR_VIDEOMAE_IO]\n`,
    );
    const bad = await videomae(['download', 'a/b', '--repo-type', 'space']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('expected "model" or "dataset"');
  }, 60_000);

  it('uses the saved token for a private repo, in the Authorization header only', async () => {
    fs.writeFileSync(tokenFile(), ALICE, { mode: 0o600 });
    const run = await videomae(['download', 'alice/private', 'config.json']);
    expect(run.status).toBe(0);
    expect(fs.readFileSync(run.stdout.trim(), 'utf8')).toBe('{"a":1}');
    for (const r of hub.requests) expect(r.headers.authorization).toBe(`Bearer ${ALICE}`);
    expectNoToken(run, ALICE);
    fs.rmSync(tokenFile());
    const refused = await videomae(['download', 'alice/private', 'config.json', '--cache-dir', path.join(home, 'c2')]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('the hub refused access (401');
  }, 60_000);

  (hasPython ? it : it.skip)(
    'draws a progress bar on a terminal',
    async () => {
      const run = await inTerminal(['download', 'sayakpaul/ucf101-subset', 'UCF101_subset.tar.gz', '--repo-type', 'dataset'], '', '');
      expect(run.status).toBe(0);
      // The last redraw: carriage return, name, 100 %, a full bar, bytes, rate, then "erase to end of line".
      const final = /\rUCF101_subset\.tar\.gz 100% \|█{20}\| 200 kB\/200 kB [\d.]+ [kMG]?B\/s(.{3})/.exec(run.stdout);
      expect(final?.[1]).toBe('\u001b[K');
    },
    60_000,
  );
});
