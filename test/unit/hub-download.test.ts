/**
 * hubDownload against the local fake hub (test/helpers/fake-hub.ts; no network here): bytes,
 * the huggingface_hub cache layout (blob names, relative symlinks, refs), no second transfer,
 * resume with `Range: bytes=N-` after a cut, offline answers, and where the token travels.
 */
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hubDownload, resolveHubCommit } from '../../lib/hub/hub-download';
import { resolveModel } from '../../lib/hub/resolve';
import { startFakeHub, type FakeHub, type FakeRepo, type RecordedRequest } from '../helpers/fake-hub';

const TOKEN = 'hf_aliceSecretToken0123456789';
const ENV_KEYS = ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN', 'HF_TOKEN_PATH', 'HF_HUB_OFFLINE', 'HF_ENDPOINT', 'HF_HUB_DISABLE_IMPLICIT_TOKEN'];
let hub: FakeHub;
let root: string;
let cache: string;
let savedEnv: Record<string, string | undefined>;

/** Bytes that differ everywhere, so a resume from the wrong offset cannot pass. */
function pseudoRandom(size: number, seed: string): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0, block = 0; i < size; block++) i += crypto.createHash('sha256').update(`${seed}:${block}`).digest().copy(out, i);
  return out;
}

const ARCHIVE = pseudoRandom(300_000, 'archive');
const README = Buffer.from('# UCF101 subset\n');
const NESTED = Buffer.from('{"labels": ["a", "b"]}\n');

// Independent of the fake hub's code: git's blob id and the LFS sha256, as huggingface_hub names blobs.
const gitBlobId = (b: Buffer) => crypto.createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

beforeEach(async () => {
  savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  for (const k of ENV_KEYS) delete process.env[k];
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-hubdl-'));
  cache = path.join(root, 'hub');
  process.env.HF_TOKEN_PATH = path.join(root, 'no-token'); // never the developer's own token
  hub = await startFakeHub();
  hub.tokens.set(TOKEN, 'alice');
  hub.addRepo({
    type: 'dataset',
    id: 'sayakpaul/ucf101-subset',
    files: { 'UCF101_subset.tar.gz': ARCHIVE, 'README.md': README, 'meta/labels.json': NESTED },
  });
});

afterEach(async () => {
  await hub.close();
  expect(hub.errors).toEqual([]);
  fs.rmSync(root, { recursive: true, force: true });
  for (const [k, v] of Object.entries(savedEnv))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
});

const dataset = () => hub.repo('dataset', 'sayakpaul/ucf101-subset') as FakeRepo;
const head = () => dataset().refs.get('main')!;
const repoDir = () => path.join(cache, 'datasets--sayakpaul--ucf101-subset');

function download(file: string, extra: Partial<Parameters<typeof hubDownload>[0]> = {}): Promise<string> {
  return hubDownload({ repo: 'sayakpaul/ucf101-subset', repoType: 'dataset', file, cacheDir: cache, hubUrl: hub.url, ...extra } as never);
}

describe('hubDownload into the huggingface_hub cache layout', () => {
  it('stores LFS and regular files as huggingface_hub does: blobs/<etag>, relative symlinks, refs/main', async () => {
    const archive = await download('UCF101_subset.tar.gz');
    const readme = await download('README.md');
    const nested = await download('meta/labels.json');
    const commit = head();
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect(archive).toBe(path.join(repoDir(), 'snapshots', commit, 'UCF101_subset.tar.gz'));
    expect(fs.readFileSync(archive).equals(ARCHIVE)).toBe(true);
    expect(fs.readFileSync(readme).equals(README)).toBe(true);
    expect(fs.readFileSync(nested).equals(NESTED)).toBe(true);
    // LFS blobs are named by sha256, regular files by their git blob id; links are relative.
    expect(fs.readlinkSync(archive)).toBe(`../../blobs/${sha256(ARCHIVE)}`);
    expect(fs.readlinkSync(readme)).toBe(`../../blobs/${gitBlobId(README)}`);
    expect(fs.readlinkSync(nested)).toBe(`../../../blobs/${gitBlobId(NESTED)}`);
    expect(fs.readdirSync(path.join(repoDir(), 'blobs')).sort()).toEqual([gitBlobId(NESTED), gitBlobId(README), sha256(ARCHIVE)].sort());
    expect(fs.readFileSync(path.join(repoDir(), 'refs', 'main'), 'utf8')).toBe(commit); // no newline, as huggingface_hub
    expect(fs.readdirSync(path.join(repoDir(), 'refs'))).toEqual(['main']);
  });

  it('follows the 302 to the CDN for LFS files and fetches regular files from resolve/', async () => {
    await download('UCF101_subset.tar.gz');
    await download('README.md');
    const gets = hub.requests.filter((r) => r.method === 'GET');
    const cdn = gets.filter((r) => r.server === 'cdn');
    expect(cdn).toHaveLength(1);
    expect(cdn[0].path).toBe(`/repos/${sha256(ARCHIVE).slice(0, 2)}/${sha256(ARCHIVE).slice(2, 4)}/${sha256(ARCHIVE)}`);
    expect(gets.filter((r) => r.path === `/datasets/sayakpaul/ucf101-subset/resolve/${head()}/README.md`)).toHaveLength(1);
  });

  it('does not GET a cached file again (only the revision is asked for)', async () => {
    const first = await download('UCF101_subset.tar.gz');
    hub.requests.length = 0;
    const second = await download('UCF101_subset.tar.gz');
    expect(second).toBe(first);
    expect(hub.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /api/datasets/sayakpaul/ucf101-subset/revision/main`]);
    // A commit id needs no question at all.
    hub.requests.length = 0;
    await expect(download('UCF101_subset.tar.gz', { revision: head() })).resolves.toBe(first);
    expect(hub.requests).toEqual([]);
  });

  it('links a blob it already has into a new snapshot without fetching it', async () => {
    await download('UCF101_subset.tar.gz');
    hub.commit('dataset', 'sayakpaul/ucf101-subset', { files: { 'README.md': 'changed\n' } });
    hub.requests.length = 0;
    const again = await download('UCF101_subset.tar.gz');
    expect(again).toBe(path.join(repoDir(), 'snapshots', head(), 'UCF101_subset.tar.gz'));
    expect(hub.requests.filter((r) => r.server === 'cdn' || r.path.includes('/resolve/'))).toEqual([]);
    expect(fs.readFileSync(path.join(repoDir(), 'refs', 'main'), 'utf8')).toBe(head());
  });

  it('downloads several files, or the whole revision (tree pages followed) as the snapshot folder', async () => {
    const paths = await hubDownload({
      repo: 'sayakpaul/ucf101-subset',
      repoType: 'dataset',
      files: ['README.md', 'meta/labels.json'],
      cacheDir: cache,
      hubUrl: hub.url,
    });
    expect(paths.map((p) => path.relative(repoDir(), p))).toEqual([
      `snapshots/${head()}/README.md`,
      `snapshots/${head()}/meta/labels.json`,
    ]);
    const many = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`clips/c${String(i).padStart(3, '0')}.txt`, `clip ${i}\n`]));
    hub.addRepo({ type: 'model', id: 'org/many', files: { 'config.json': '{}', ...many } });
    const snapshot = await hubDownload({ repo: 'org/many', cacheDir: cache, hubUrl: hub.url });
    const commit = hub.repo('model', 'org/many')!.refs.get('main')!;
    expect(snapshot).toBe(path.join(cache, 'models--org--many', 'snapshots', commit));
    expect(fs.readdirSync(path.join(snapshot, 'clips'))).toHaveLength(70);
    expect(fs.readFileSync(path.join(snapshot, 'clips', 'c069.txt'), 'utf8')).toBe('clip 69\n');
    expect(hub.requests.filter((r) => r.path.includes('/tree/')).length).toBeGreaterThan(1); // Link: rel="next"
  });

  it('resolves tags and branches into refs/<name>, and reports progress up to the total', async () => {
    hub.addRepo({ type: 'dataset', id: 'sayakpaul/ucf101-subset', revision: 'v1.0', files: { 'README.md': 'v1\n' } });
    const events: Array<{ bytes: number; total: number }> = [];
    const v1 = await download('README.md', { revision: 'v1.0', onProgress: (p: { bytes: number; total: number }) => events.push(p) });
    expect(fs.readFileSync(v1, 'utf8')).toBe('v1\n');
    expect(fs.readFileSync(path.join(repoDir(), 'refs', 'v1.0'), 'utf8')).toBe(dataset().refs.get('v1.0'));
    expect(events.at(-1)).toEqual({ file: 'README.md', bytes: 3, total: 3 });
    expect(events.every((e, i) => i === 0 || e.bytes >= events[i - 1].bytes)).toBe(true);
  });

  it('downloads a blob once when two calls race for it', async () => {
    const [a, b] = await Promise.all([download('UCF101_subset.tar.gz'), download('UCF101_subset.tar.gz')]);
    expect(a).toBe(b);
    expect(hub.requests.filter((r) => r.server === 'cdn')).toHaveLength(1);
    expect(fs.readFileSync(a).equals(ARCHIVE)).toBe(true);
    expect(fs.readdirSync(path.join(cache, '.locks', 'datasets--sayakpaul--ucf101-subset'))).toEqual([]);
  });
});

describe('resuming', () => {
  const cdnPath = () =>
    hub.bodyPath(dataset().commits.get(head())!.files.get('UCF101_subset.tar.gz')!, dataset(), dataset().commits.get(head())!);
  const cdnGets = () => hub.requests.filter((r) => r.server === 'cdn' && r.method === 'GET');

  it('continues a body cut mid-way with Range: bytes=N- in the same call', async () => {
    hub.fault(cdnPath(), { cutAfterBytes: 100_000 });
    const file = await download('UCF101_subset.tar.gz');
    expect(fs.readFileSync(file).equals(ARCHIVE)).toBe(true);
    const gets = cdnGets();
    expect(gets).toHaveLength(2);
    expect(gets[0].headers.range).toBeUndefined();
    expect(gets[1].headers.range).toBe('bytes=100000-');
    expect(fs.existsSync(`${path.join(repoDir(), 'blobs', sha256(ARCHIVE))}.incomplete`)).toBe(false);
  });

  it('keeps the partial blob when it gives up, and the next call resumes from it', async () => {
    hub.fault(cdnPath(), { cutAfterBytes: 123_456 });
    const failure = await download('UCF101_subset.tar.gz', { retries: 0 }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'ERR_VIDEOMAE_IO', message: expect.stringContaining('123456 of 300000 bytes are kept') });
    const incomplete = `${path.join(repoDir(), 'blobs', sha256(ARCHIVE))}.incomplete`;
    expect(fs.statSync(incomplete).size).toBe(123_456);
    expect(fs.existsSync(path.join(repoDir(), 'snapshots', head(), 'UCF101_subset.tar.gz'))).toBe(false);
    const file = await download('UCF101_subset.tar.gz');
    expect(fs.readFileSync(file).equals(ARCHIVE)).toBe(true);
    expect(cdnGets().at(-1)!.headers.range).toBe('bytes=123456-');
  });

  it('resumes a regular (non-LFS) file from resolve/ too, and retries server errors', async () => {
    const big = pseudoRandom(50_000, 'txt');
    hub.addRepo({ type: 'model', id: 'org/text', files: { 'notes.txt': big } });
    const repo = hub.repo('model', 'org/text')!;
    const commit = repo.commits.get(repo.refs.get('main')!)!;
    const bodyPath = hub.bodyPath(commit.files.get('notes.txt')!, repo, commit);
    hub.fault(bodyPath, { status: 503 });
    hub.fault(bodyPath, { cutAfterBytes: 20_000 });
    const file = await hubDownload({ repo: 'org/text', file: 'notes.txt', cacheDir: cache, hubUrl: hub.url });
    expect(fs.readFileSync(file).equals(big)).toBe(true);
    expect(fs.readlinkSync(file)).toBe(`../../blobs/${gitBlobId(big)}`);
    expect(hub.requests.filter((r) => r.path === bodyPath).map((r) => r.headers.range ?? 'none')).toEqual(['none', 'none', 'bytes=20000-']);
  });

  it('starts over when the partial blob is not a prefix of the file (sha256 check), removing it', async () => {
    const incomplete = `${path.join(repoDir(), 'blobs', sha256(ARCHIVE))}.incomplete`;
    fs.mkdirSync(path.dirname(incomplete), { recursive: true });
    fs.writeFileSync(incomplete, Buffer.alloc(1000, 7)); // not ARCHIVE's first bytes
    await expect(download('UCF101_subset.tar.gz')).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_IO',
      message: expect.stringContaining(`its sha256 is not ${sha256(ARCHIVE)}`),
    });
    expect(fs.existsSync(incomplete)).toBe(false);
    expect(fs.readFileSync(await download('UCF101_subset.tar.gz')).equals(ARCHIVE)).toBe(true);
  });
});

describe('offline and unreachable', () => {
  it('answers from the cache with HF_HUB_OFFLINE=1, without a request', async () => {
    const online = await download('UCF101_subset.tar.gz');
    hub.requests.length = 0;
    process.env.HF_HUB_OFFLINE = '1';
    await expect(download('UCF101_subset.tar.gz')).resolves.toBe(online);
    await expect(hubDownload({ repo: 'sayakpaul/ucf101-subset', repoType: 'dataset', cacheDir: cache, hubUrl: hub.url })).resolves.toBe(
      path.dirname(online),
    );
    await expect(resolveHubCommit({ repo: 'sayakpaul/ucf101-subset', repoType: 'dataset', cacheDir: cache })).resolves.toBe(head());
    expect(hub.requests).toEqual([]);
  });

  it('says it is offline and the file is not cached', async () => {
    process.env.HF_HUB_OFFLINE = '1';
    await expect(download('README.md')).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_IO',
      message: `dataset sayakpaul/ucf101-subset@main: HF_HUB_OFFLINE is set and README.md is not in the cache ${repoDir()}`,
    });
    expect(hub.requests).toEqual([]);
  });

  it('falls back to the cache when the hub cannot be reached, and says so when nothing is cached', async () => {
    const online = await download('UCF101_subset.tar.gz');
    const url = hub.url;
    await hub.close();
    await expect(download('UCF101_subset.tar.gz', { hubUrl: url })).resolves.toBe(online);
    await expect(download('README.md', { hubUrl: url })).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_IO',
      message: expect.stringMatching(new RegExp(`^dataset sayakpaul/ucf101-subset@main: could not reach ${url} \\(`)),
    });
  });

  it('does not fall back when the hub answers 404 or 5xx-free refusals', async () => {
    await download('UCF101_subset.tar.gz');
    await expect(download('UCF101_subset.tar.gz', { revision: 'nope' })).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_IO',
      message: expect.stringContaining('dataset sayakpaul/ucf101-subset@nope: not found on the hub (Invalid rev id: nope'),
    });
    await expect(download('missing.bin')).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_IO',
      message: expect.stringContaining('no file missing.bin in the repository'),
    });
  });
});

describe('the access token', () => {
  function expectTokenOnlyInAuthorization(requests: RecordedRequest[]): void {
    for (const r of requests) {
      expect(r.url).not.toContain(TOKEN);
      expect(r.body.toString('latin1')).not.toContain(TOKEN);
      for (const [name, value] of Object.entries(r.headers)) if (name !== 'authorization') expect(String(value)).not.toContain(TOKEN);
    }
  }

  beforeEach(() => {
    hub.addRepo({ type: 'model', id: 'alice/private', private: true, files: { 'config.json': '{}', 'model.safetensors': ARCHIVE } });
  });

  it('sends it in the Authorization header to the hub only, not to the CDN or in URLs', async () => {
    const file = await hubDownload({
      repo: 'alice/private',
      file: 'model.safetensors',
      cacheDir: cache,
      hubUrl: hub.url,
      accessToken: TOKEN,
    });
    expect(fs.readFileSync(file).equals(ARCHIVE)).toBe(true);
    const toHub = hub.requests.filter((r) => r.server === 'hub');
    expect(toHub.length).toBeGreaterThanOrEqual(3);
    for (const r of toHub) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const toCdn = hub.requests.filter((r) => r.server === 'cdn');
    expect(toCdn).toHaveLength(1);
    expect(toCdn[0].headers.authorization).toBeUndefined(); // fetch drops it on the cross-origin redirect
    expectTokenOnlyInAuthorization(hub.requests);
  });

  it('uses HF_TOKEN, else the token file, implicitly (not with HF_HUB_DISABLE_IMPLICIT_TOKEN)', async () => {
    fs.writeFileSync(process.env.HF_TOKEN_PATH!, `${TOKEN}\n`);
    await hubDownload({ repo: 'alice/private', file: 'config.json', cacheDir: cache, hubUrl: hub.url });
    expect(hub.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    process.env.HF_HUB_DISABLE_IMPLICIT_TOKEN = '1';
    await expect(hubDownload({ repo: 'alice/private', file: 'model.safetensors', cacheDir: cache, hubUrl: hub.url })).rejects.toMatchObject(
      {
        code: 'ERR_VIDEOMAE_IO',
        message: expect.stringContaining('the hub refused access (401'),
      },
    );
  });

  it('keeps a rejected token out of the error message', async () => {
    const wrong = 'hf_wrongWrongWrong0123456789';
    const error = (await hubDownload({
      repo: 'alice/private',
      file: 'config.json',
      cacheDir: cache,
      hubUrl: hub.url,
      accessToken: wrong,
    }).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'ERR_VIDEOMAE_IO', message: expect.stringContaining('refused access (401') });
    expect(`${error.message}${error.stack}`).not.toContain(wrong);
    await expect(hubDownload({ repo: 'alice/private', file: 'config.json', cacheDir: cache, accessToken: 'abc123' })).rejects.toMatchObject(
      {
        code: 'ERR_VIDEOMAE_INVALID_ARG',
      },
    );
  });
});

describe('arguments', () => {
  it('refuses paths and revisions that would leave the cache folder, and bad repo ids', async () => {
    await expect(download('../../etc/passwd')).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
    await expect(download('/abs')).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
    await expect(download('README.md', { revision: '../../x' })).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
    await expect(hubDownload({ repo: '../x', file: 'a', cacheDir: cache })).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
    await expect(hubDownload({ repo: 'a/b', repoType: 'space' as never, file: 'a' })).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_INVALID_ARG',
    });
    expect(hub.requests).toEqual([]);
  });
});

describe('resolveModel downloads through hubDownload', () => {
  it('fetches a private model with the saved token from HF_ENDPOINT into models--owner--name', async () => {
    hub.addRepo({
      type: 'model',
      id: 'alice/tiny',
      private: true,
      files: { 'config.json': '{"model_type":"videomae"}', 'model.safetensors': ARCHIVE, 'pytorch_model.bin': 'old', 'README.md': '#' },
    });
    fs.writeFileSync(process.env.HF_TOKEN_PATH!, TOKEN);
    process.env.HF_ENDPOINT = hub.url;
    const snapshot = await resolveModel('alice/tiny', { cacheDir: cache });
    const commit = hub.repo('model', 'alice/tiny')!.refs.get('main')!;
    expect(snapshot).toBe(path.join(cache, 'models--alice--tiny', 'snapshots', commit));
    expect(fs.readdirSync(snapshot).sort()).toEqual(['config.json', 'model.safetensors']);
    expect(fs.readFileSync(path.join(snapshot, 'model.safetensors')).equals(ARCHIVE)).toBe(true);
    expect(hub.requests.filter((r) => r.server === 'hub').every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });
});

describe('the fake hub speaks what the public Hub answers', () => {
  const commitOf = () => dataset().commits.get(head())!;

  const hasGit = spawnSync('git', ['--version']).status === 0;
  (hasGit ? it : it.skip)('gives git object ids git itself computes (blobs, LFS pointers, trees, the commit)', () => {
    // A bare repository of its own in the test folder: plumbing only, nothing touches the checkout.
    const bare = path.join(root, 'ids.git');
    const run = (args: string[], input?: string | Buffer) => {
      const result = spawnSync('git', ['--git-dir', bare, ...args], { input, env: { ...process.env, ...gitIdentity(commitOf().date) } });
      if (result.status !== 0) throw new Error(result.stderr.toString());
      return result.stdout.toString().trim();
    };
    spawnSync('git', ['init', '--bare', '--quiet', bare]);
    const blob = (content: Buffer) => run(['hash-object', '-w', '--stdin'], content);
    const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(ARCHIVE)}\nsize ${ARCHIVE.length}\n`;
    const meta = run(['mktree'], `100644 blob ${blob(NESTED)}\tlabels.json\n`);
    const tree = run(
      ['mktree'],
      `100644 blob ${blob(README)}\tREADME.md\n100644 blob ${blob(Buffer.from(pointer))}\tUCF101_subset.tar.gz\n040000 tree ${meta}\tmeta\n`,
    );
    expect(commitOf().files.get('UCF101_subset.tar.gz')!.gitOid).toBe(blob(Buffer.from(pointer)));
    expect(commitOf().dirs.get('meta')).toBe(meta);
    expect(commitOf().tree).toBe(tree);
    expect(head()).toBe(run(['commit-tree', tree, '-m', 'initial commit']));
  });

  it('answers HEAD and Range requests on resolve/ with the hub headers, and 416 past the end', async () => {
    const base = `${hub.url}/datasets/sayakpaul/ucf101-subset/resolve/main`;
    const lfs = await fetch(`${base}/UCF101_subset.tar.gz`, { method: 'HEAD', redirect: 'manual' });
    expect(lfs.status).toBe(302);
    expect(lfs.headers.get('x-repo-commit')).toBe(head());
    expect(lfs.headers.get('x-linked-etag')).toBe(`"${sha256(ARCHIVE)}"`);
    expect(lfs.headers.get('x-linked-size')).toBe(String(ARCHIVE.length));
    expect(lfs.headers.get('location')).toMatch(new RegExp(`^${hub.cdnUrl}/repos/.*${sha256(ARCHIVE)}\\?sig=[0-9a-f]{64}$`));
    const small = await fetch(`${base}/README.md`, { method: 'HEAD' });
    expect(small.status).toBe(200);
    expect(small.headers.get('etag')).toBe(`"${gitBlobId(README)}"`);
    expect(small.headers.get('content-length')).toBe(String(README.length));
    const ranged = await fetch(`${base}/UCF101_subset.tar.gz`, { headers: { Range: 'bytes=299990-' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe('bytes 299990-299999/300000');
    expect(Buffer.from(await ranged.arrayBuffer()).equals(ARCHIVE.subarray(299_990))).toBe(true);
    expect((await fetch(`${base}/README.md`, { headers: { Range: 'bytes=999-' } })).status).toBe(416);
    const unsigned = await fetch(lfs.headers.get('location')!.replace(/\?.*/, ''));
    expect(unsigned.status).toBe(403);
    const missing = await fetch(`${base}/nope.txt`);
    expect([missing.status, missing.headers.get('x-error-code')]).toEqual([404, 'EntryNotFound']);
  });

  it("serves @huggingface/hub's own download calls", async () => {
    const hubLib = await import('@huggingface/hub');
    const repo = { type: 'dataset' as const, name: 'sayakpaul/ucf101-subset' };
    const info = await hubLib.fileDownloadInfo({ repo, path: 'UCF101_subset.tar.gz', hubUrl: hub.url });
    expect(info).toMatchObject({ etag: `"${sha256(ARCHIVE)}"`, size: ARCHIVE.length });
    const blob = await hubLib.downloadFile({ repo, path: 'README.md', hubUrl: hub.url });
    expect(await blob!.text()).toBe(README.toString());
    expect(await hubLib.fileExists({ repo, path: 'README.md', hubUrl: hub.url })).toBe(true);
    expect(await hubLib.fileExists({ repo, path: 'nope', hubUrl: hub.url })).toBe(false);
  });
});

function gitIdentity(date: Date): NodeJS.ProcessEnv {
  const when = `@${date.getTime() / 1000} +0000`;
  return {
    GIT_AUTHOR_NAME: 'Fake Hub',
    GIT_AUTHOR_EMAIL: 'hub@example.invalid',
    GIT_AUTHOR_DATE: when,
    GIT_COMMITTER_NAME: 'Fake Hub',
    GIT_COMMITTER_EMAIL: 'hub@example.invalid',
    GIT_COMMITTER_DATE: when,
  };
}
