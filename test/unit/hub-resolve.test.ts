/**
 * Model resolution: local folders, the Hugging Face cache layout (a cache the test builds), and the
 * download path driven through a fake `fetch` that serves the hub API (no network here).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findCachedSnapshot, hubCacheDir, isRepoId, repoFolderName, resolveModel } from '../../lib/hub';
import { filesToFetch } from '../../lib/hub/download';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const OTHER = 'fedcba9876543210fedcba9876543210fedcba98';
let root: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-hub-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
  jest.restoreAllMocks();
});

/** A cache folder as huggingface_hub writes it: blobs, snapshots of symlinks, refs/<name>. */
function buildCache(cache: string, repoId: string, refs: Record<string, string>, files: Record<string, string>): string {
  const repoDir = path.join(cache, repoFolderName(repoId));
  for (const [ref, commit] of Object.entries(refs)) {
    fs.mkdirSync(path.join(repoDir, 'refs'), { recursive: true });
    fs.writeFileSync(path.join(repoDir, 'refs', ref), commit);
    const snapshot = path.join(repoDir, 'snapshots', commit);
    fs.mkdirSync(snapshot, { recursive: true });
    fs.mkdirSync(path.join(repoDir, 'blobs'), { recursive: true });
    for (const [name, content] of Object.entries(files)) {
      const blob = path.join(
        repoDir,
        'blobs',
        crypto
          .createHash('sha1')
          .update(commit + content)
          .digest('hex'),
      );
      fs.writeFileSync(blob, content);
      fs.symlinkSync(path.relative(snapshot, blob), path.join(snapshot, name));
    }
  }
  return repoDir;
}

describe('hub cache location', () => {
  it('follows HF_HUB_CACHE, then HUGGINGFACE_HUB_CACHE, then HF_HOME/hub, then XDG_CACHE_HOME/huggingface/hub', () => {
    expect(hubCacheDir({ HF_HUB_CACHE: '/a', HF_HOME: '/b' })).toBe('/a');
    expect(hubCacheDir({ HUGGINGFACE_HUB_CACHE: '/legacy', HF_HOME: '/b' })).toBe('/legacy');
    expect(hubCacheDir({ HF_HOME: '/b' })).toBe('/b/hub');
    expect(hubCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/huggingface/hub');
    expect(hubCacheDir({})).toBe(path.join(os.homedir(), '.cache', 'huggingface', 'hub'));
  });

  it('names repo folders models--org--name and recognises hub ids', () => {
    expect(repoFolderName('MCG-NJU/videomae-base')).toBe('models--MCG-NJU--videomae-base');
    expect(isRepoId('MCG-NJU/videomae-base')).toBe(true);
    expect(isRepoId('bert-base-uncased')).toBe(true);
    expect(isRepoId('./models/x')).toBe(false);
    expect(isRepoId('/abs/path')).toBe(false);
    expect(isRepoId('a/b/c')).toBe(false);
  });
});

describe('resolveModel', () => {
  it('returns a local folder with a config.json as an absolute path', async () => {
    fs.writeFileSync(path.join(root, 'config.json'), '{}');
    await expect(resolveModel(path.relative(process.cwd(), root))).resolves.toBe(root);
  });

  it('rejects a folder without config.json with ERR_VIDEOMAE_CHECKPOINT', async () => {
    await expect(resolveModel(root)).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_CHECKPOINT',
      message: expect.stringContaining('no config.json'),
    });
  });

  it('finds refs/main → snapshots/<commit> in the cache named by HF_HOME', async () => {
    buildCache(path.join(root, 'hub'), 'org/tiny', { main: COMMIT, v1: OTHER }, { 'config.json': '{}', 'model.safetensors': 'w' });
    const saved = {
      HF_HOME: process.env.HF_HOME,
      HF_HUB_CACHE: process.env.HF_HUB_CACHE,
      HUGGINGFACE_HUB_CACHE: process.env.HUGGINGFACE_HUB_CACHE,
    };
    try {
      process.env.HF_HOME = root;
      delete process.env.HF_HUB_CACHE;
      delete process.env.HUGGINGFACE_HUB_CACHE;
      const snapshot = await resolveModel('org/tiny', { download: false });
      expect(snapshot).toBe(path.join(root, 'hub', 'models--org--tiny', 'snapshots', COMMIT));
      expect(fs.readFileSync(path.join(snapshot, 'model.safetensors'), 'utf8')).toBe('w'); // through the blob symlink
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  });

  it('resolves a tag through refs/<tag> and a commit hash directly', async () => {
    const cache = path.join(root, 'cache');
    buildCache(cache, 'org/tiny', { main: COMMIT, v1: OTHER }, { 'config.json': '{}' });
    expect(findCachedSnapshot('org/tiny', { cacheDir: cache, revision: 'v1' })).toBe(
      path.join(cache, 'models--org--tiny', 'snapshots', OTHER),
    );
    await expect(resolveModel('org/tiny', { cacheDir: cache, revision: COMMIT, download: false })).resolves.toBe(
      path.join(cache, 'models--org--tiny', 'snapshots', COMMIT),
    );
    expect(findCachedSnapshot('org/tiny', { cacheDir: cache, revision: 'v2' })).toBeNull();
  });

  it('says where it looked when the model is neither a folder nor cached and downloads are off', async () => {
    await expect(resolveModel('org/absent', { cacheDir: root, download: false })).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_IO',
      message: `model org/absent: neither a folder nor in the Hugging Face cache ${root} (revision main), and downloading is off`,
    });
    await expect(resolveModel('./no/such/dir')).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_IO',
      message: 'model ./no/such/dir: no such folder',
    });
  });

  it('downloads config, safetensors weights and processor config into the cache layout, then finds them offline', async () => {
    const cache = path.join(root, 'cache');
    const files: Record<string, string> = {
      'config.json': '{"model_type":"videomae"}',
      'model.safetensors': 'WEIGHTS',
      'pytorch_model.bin': 'OLD',
      'preprocessor_config.json': '{}',
      'README.md': '#',
    };
    const requested: string[] = [];
    jest.spyOn(console, 'debug').mockImplementation(() => undefined); // @huggingface/hub logs each download
    const snapshot = await resolveModel('org/tiny', { cacheDir: cache, fetch: fakeHub('org/tiny', COMMIT, files, requested) });
    expect(snapshot).toBe(path.join(cache, 'models--org--tiny', 'snapshots', COMMIT));
    expect(fs.readdirSync(snapshot).sort()).toEqual(['config.json', 'model.safetensors', 'preprocessor_config.json']);
    expect(fs.readFileSync(path.join(snapshot, 'model.safetensors'), 'utf8')).toBe('WEIGHTS');
    expect(fs.readFileSync(path.join(cache, 'models--org--tiny', 'refs', 'main'), 'utf8')).toBe(COMMIT);
    expect(requested.some((u) => u.includes('pytorch_model.bin') || u.includes('README'))).toBe(false);
    await expect(resolveModel('org/tiny', { cacheDir: cache, download: false })).resolves.toBe(snapshot);
  });

  it('reports a failed download as ERR_VIDEOMAE_IO naming the model', async () => {
    const notFound = (async () => new Response('{"error":"Repository not found"}', { status: 404 })) as typeof fetch;
    await expect(resolveModel('org/gone', { cacheDir: root, fetch: notFound })).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_IO',
      message: expect.stringMatching(/^model org\/gone: neither a folder nor in the Hugging Face cache .*, and downloading it failed \(/),
    });
  });

  it('picks safetensors over pytorch_model.bin and needs config.json', () => {
    expect(filesToFetch(['config.json', 'pytorch_model.bin'])).toEqual(['config.json', 'pytorch_model.bin']);
    expect(filesToFetch(['config.json', 'model.safetensors', 'pytorch_model.bin', 'preprocessor_config.json'])).toEqual([
      'config.json',
      'model.safetensors',
      'preprocessor_config.json',
    ]);
    expect(filesToFetch(['model.safetensors'])).toBeNull();
  });
});

/** Answers the hub API calls @huggingface/hub makes: revision info, tree, paths-info, resolve (with ranges). */
function fakeHub(repoId: string, commit: string, files: Record<string, string>, requested: string[]): typeof fetch {
  const oid = (s: string) => crypto.createHash('sha1').update(s).digest('hex');
  const json = (value: unknown) => new Response(JSON.stringify(value), { status: 200, headers: { 'content-type': 'application/json' } });
  const entry = (p: string) => ({
    type: 'file',
    path: p,
    size: files[p].length,
    oid: oid(files[p]),
    lastCommit: { id: commit, title: 't', date: '2024-01-01T00:00:00.000Z' },
  });
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    requested.push(url.pathname);
    if (url.pathname === `/api/models/${repoId}/revision/main`) {
      return json({
        _id: 'x',
        id: repoId,
        sha: commit,
        private: false,
        gated: false,
        downloads: 0,
        likes: 0,
        lastModified: '2024-01-01T00:00:00.000Z',
      });
    }
    if (url.pathname === `/api/models/${repoId}/tree/${commit}`) return json(Object.keys(files).map(entry));
    if (url.pathname === `/api/models/${repoId}/paths-info/${commit}`)
      return json((JSON.parse(String(init?.body)) as { paths: string[] }).paths.map(entry));
    const prefix = `/${repoId}/resolve/${commit}/`;
    if (url.pathname.startsWith(prefix)) {
      const body = Buffer.from(files[url.pathname.slice(prefix.length)]);
      const headers = { etag: `"${oid(body.toString())}"` };
      const range = new Headers(init?.headers).get('range');
      if (!range) return new Response(body, { status: 200, headers });
      const [start, last] = range.replace('bytes=', '').split('-').map(Number);
      const end = Math.min(last, body.length - 1);
      return new Response(body.subarray(start, end + 1), {
        status: 206,
        headers: { ...headers, 'content-range': `bytes ${start}-${end}/${body.length}` },
      });
    }
    return new Response('{}', { status: 404 });
  }) as typeof fetch;
}
