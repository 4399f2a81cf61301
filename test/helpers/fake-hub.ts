/**
 * A local stand-in for the public Hub, for tests (no network on the build machines). Two HTTP
 * servers on 127.0.0.1: the hub (`url`) and a CDN (`cdnUrl`, another origin, as cdn-lfs.hf.co is)
 * that LFS downloads are redirected to, so tests see whether a client forwards its token there.
 *
 * It speaks what @huggingface/hub 2.x and huggingface_hub call for reading repositories:
 *   GET  /api/whoami-v2
 *   GET  /api/{models|datasets|spaces}/{id}[/revision/{rev}]           repo info (sha, siblings)
 *   GET  /api/{type}s/{id}/tree/{rev}[/{path}]?recursive=&expand=&cursor=  listing, Link paging
 *   POST /api/{type}s/{id}/paths-info/{rev}                            JSON or form {paths, expand}
 *   GET|HEAD /[datasets/|spaces/]{id}/resolve/{rev}/{path}             file bytes; LFS files → 302 to the CDN
 *   GET|HEAD /[datasets/|spaces/]{id}/raw/{rev}/{path}                 git content (LFS pointer for LFS files)
 *   GET|HEAD {cdnUrl}/repos/{aa}/{bb}/{sha256}?sig=…                   LFS bytes (signed URL)
 * with the real hub's headers (ETag, X-Repo-Commit, X-Linked-Etag, X-Linked-Size, X-Error-Code,
 * Content-Range / 206 / 416) and real git object ids, so blob names and commit shas look as they
 * do on the public Hub. Anything else (uploads) is added by tests through `addRoute`.
 */
import * as crypto from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeRepoType = 'model' | 'dataset' | 'space';

/** One file of a commit, with the ids the hub reports for it. */
export interface FakeFile {
  path: string;
  content: Buffer;
  size: number;
  /** The git blob id (of the LFS pointer for LFS files): the tree listing's `oid`. */
  gitOid: string;
  /** Set for LFS files: sha256 of the content. */
  lfs?: { oid: string; size: number; pointerSize: number };
  /** What huggingface_hub names the blob: sha256 for LFS files, the git blob id otherwise. */
  etag: string;
  /** The commit that last changed this file (tree listing with expand). */
  lastCommit: string;
}

export interface FakeCommit {
  id: string;
  parent?: string;
  message: string;
  date: Date;
  tree: string;
  files: Map<string, FakeFile>;
  /** Tree ids of the directories ('' is the root). */
  dirs: Map<string, string>;
}

export interface FakeRepo {
  type: FakeRepoType;
  id: string;
  private: boolean;
  /** Branch and tag names → commit id. */
  refs: Map<string, string>;
  commits: Map<string, FakeCommit>;
  /** Decides which paths are stored in LFS (default: HF's .gitattributes patterns, or > 10 MiB). */
  lfs: (path: string, size: number) => boolean;
}

export interface AddRepoOptions {
  type?: FakeRepoType;
  id: string;
  files: Record<string, Buffer | string>;
  /** Branch to point at the new commit (default 'main'). */
  revision?: string;
  private?: boolean;
  message?: string;
  lfs?: (path: string, size: number) => boolean;
}

export interface RecordedRequest {
  server: 'hub' | 'cdn';
  method: string;
  /** Path and query as received. */
  url: string;
  /** Path only, still percent-encoded. */
  path: string;
  /** Lower-case names, as Node gives them. */
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** What a route answers; a plain object or array body is sent as JSON. */
export interface RouteReply {
  status?: number;
  headers?: Record<string, string | number | string[]>;
  body?: Buffer | string | object;
}

export interface RouteContext {
  req: http.IncomingMessage;
  /** For handlers that stream or need full control: write and end it, then return undefined. */
  res: http.ServerResponse;
  method: string;
  url: URL;
  match: RegExpExecArray;
  body: Buffer;
  /** The bearer token, when one was sent (it is known to be valid: invalid ones get 401 first). */
  token: string | null;
  /** The user of that token, or null when none was sent. */
  user: string | null;
  hub: FakeHub;
}

export type RouteHandler = (ctx: RouteContext) => RouteReply | undefined | Promise<RouteReply | undefined>;

/** What `fault` does to the next matching responses. */
export interface Fault {
  /** How many matching requests it applies to (default 1). */
  times?: number;
  /** Only requests of this method (default any). */
  method?: string;
  /** Answer with this status and a JSON error instead. */
  status?: number;
  /** Send the real headers and this many body bytes, then cut the connection. */
  cutAfterBytes?: number;
  /** Close the connection without answering. */
  drop?: boolean;
}

export interface FakeHub {
  url: string;
  cdnUrl: string;
  /** Valid tokens → user name. Requests with any other bearer token get 401. */
  tokens: Map<string, string>;
  requests: RecordedRequest[];
  /** Handler exceptions (answered 500), for tests to fail on. */
  errors: Error[];
  repos: Map<string, FakeRepo>;
  /** Creates the repo if needed and points `revision` at a new commit holding exactly `files`. */
  addRepo(options: AddRepoOptions): FakeCommit;
  /** A new commit on `revision` of an existing repo: `files` added or replaced, `deletions` removed. */
  commit(
    type: FakeRepoType,
    id: string,
    change: { files?: Record<string, Buffer | string>; deletions?: string[]; revision?: string; message?: string },
  ): FakeCommit;
  repo(type: FakeRepoType, id: string): FakeRepo | undefined;
  /** The commit a branch, tag, 'HEAD' or commit id names, or undefined. */
  resolveRevision(repo: FakeRepo, revision: string): FakeCommit | undefined;
  /** The path (on `url` or `cdnUrl`) whose response carries the file's bytes. */
  bodyPath(file: FakeFile, repo: FakeRepo, commit: FakeCommit): string;
  /**
   * Adds a route, tried before the built-in ones in the order added. `path` is tested against the
   * percent-encoded pathname (no query); `method` is upper case or '*'.
   */
  addRoute(method: string, path: RegExp, handler: RouteHandler): void;
  /** Makes the next matching responses fail; `match` is an exact pathname or a RegExp on it. */
  fault(match: string | RegExp, fault: Fault): void;
  close(): Promise<void>;
}

/** A hub-style JSON error reply. */
export function hubError(status: number, message: string, errorCode?: string): RouteReply {
  return { status, headers: errorCode ? { 'X-Error-Code': errorCode } : {}, body: { error: message } };
}

// The patterns of the .gitattributes the public Hub puts in new repos, and its 10 MiB LFS rule.
const LFS_SUFFIXES =
  /\.(7z|arrow|bin|bz2|ckpt|ftz|gz|h5|joblib|mlmodel|model|msgpack|npy|npz|onnx|ot|parquet|pb|pickle|pkl|pt|pth|rar|safetensors|tar|tflite|tgz|wasm|xz|zip|zst|mp4|avi|mkv|webm|mov|jpg|jpeg|png|gif|webp|mp3|wav|flac|ogg)$|\.tar\.|tfevents/;
export function defaultLfsRule(path: string, size: number): boolean {
  return LFS_SUFFIXES.test(path) || size > 10 * 1024 * 1024;
}

function sha1(...parts: Array<Buffer | string>): string {
  const hash = crypto.createHash('sha1');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/** git's object id: sha1 of "<kind> <length>\0<content>". */
function gitObjectId(kind: string, content: Buffer): string {
  return sha1(`${kind} ${content.length}\0`, content);
}

function lfsPointer(sha256: string, size: number): Buffer {
  return Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`);
}

interface TreeNode {
  files: Map<string, string>; // name → blob id
  dirs: Map<string, TreeNode>;
}

/** git tree ids for the whole tree and each directory (git sorts a directory as "name/"). */
function treeIds(files: Map<string, FakeFile>): { root: string; dirs: Map<string, string> } {
  const root: TreeNode = { files: new Map(), dirs: new Map() };
  for (const file of files.values()) {
    const parts = file.path.split('/');
    let node = root;
    for (const dir of parts.slice(0, -1)) {
      if (!node.dirs.has(dir)) node.dirs.set(dir, { files: new Map(), dirs: new Map() });
      node = node.dirs.get(dir)!;
    }
    node.files.set(parts[parts.length - 1], file.gitOid);
  }
  const dirs = new Map<string, string>();
  const hashNode = (node: TreeNode, prefix: string): string => {
    const entries: Array<{ sortKey: string; bytes: Buffer }> = [];
    for (const [name, oid] of node.files)
      entries.push({ sortKey: name, bytes: Buffer.concat([Buffer.from(`100644 ${name}\0`), Buffer.from(oid, 'hex')]) });
    for (const [name, child] of node.dirs) {
      const oid = hashNode(child, prefix ? `${prefix}/${name}` : name);
      entries.push({ sortKey: `${name}/`, bytes: Buffer.concat([Buffer.from(`40000 ${name}\0`), Buffer.from(oid, 'hex')]) });
    }
    entries.sort((a, b) => Buffer.compare(Buffer.from(a.sortKey), Buffer.from(b.sortKey)));
    const id = gitObjectId('tree', Buffer.concat(entries.map((e) => e.bytes)));
    dirs.set(prefix, id);
    return id;
  };
  return { root: hashNode(root, ''), dirs };
}

const REPO_ROUTE = '(models|datasets|spaces)/((?:[^/]+/)?[^/]+?)';
const FILE_ROUTE = /^\/(?:(datasets|spaces)\/)?((?:[^/]+\/)?[^/]+?)\/(resolve|raw)\/([^/]+)\/(.+)$/;
const CDN_ROUTE = /^\/repos\/[0-9a-f]{2}\/[0-9a-f]{2}\/([0-9a-f]{64})$/;
const COMMIT_ID = /^[0-9a-f]{40}$/;
const TREE_PAGE = 50;

function pluralType(type: FakeRepoType): string {
  return `${type}s`;
}

function singularType(plural: string): FakeRepoType {
  return plural.slice(0, -1) as FakeRepoType;
}

/** A parsed `Range: bytes=…` header: the slice to send, 'unsatisfiable', or null for the whole body. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header ?? '');
  if (!m || (m[1] === '' && m[2] === '')) return null; // absent, malformed or multi-range: whole body
  if (m[1] === '') {
    const suffix = Number(m[2]);
    return suffix === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start >= size || end < start ? 'unsatisfiable' : { start, end };
}

interface Reply {
  status: number;
  headers: Record<string, string | number | string[]>;
  body: Buffer;
}

function toReply(route: RouteReply): Reply {
  const headers = { ...(route.headers ?? {}) };
  let body: Buffer;
  if (route.body === undefined) body = Buffer.alloc(0);
  else if (Buffer.isBuffer(route.body)) body = route.body;
  else if (typeof route.body === 'string') body = Buffer.from(route.body);
  else {
    body = Buffer.from(JSON.stringify(route.body));
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  return { status: route.status ?? 200, headers, body };
}

export async function startFakeHub(): Promise<FakeHub> {
  const repos = new Map<string, FakeRepo>();
  const routes: Array<{ method: string; path: RegExp; handler: RouteHandler }> = [];
  const faults: Array<{ match: string | RegExp; fault: Fault; left: number }> = [];
  const secret = crypto.randomBytes(16);
  let clock = Date.UTC(2024, 0, 1) / 1000; // commit times: deterministic, one second apart
  const repoKey = (type: FakeRepoType, id: string) => `${type}:${id}`;
  const sign = (sha256: string) => crypto.createHmac('sha256', secret).update(sha256).digest('hex');

  function makeCommit(repo: FakeRepo, files: Map<string, Buffer>, parentId: string | undefined, message: string): FakeCommit {
    const parent = parentId ? repo.commits.get(parentId) : undefined;
    clock += 1;
    const date = new Date(clock * 1000);
    const entries = new Map<string, FakeFile>();
    for (const [path, content] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const isLfs = repo.lfs(path, content.length);
      const sha256 = isLfs ? crypto.createHash('sha256').update(content).digest('hex') : undefined;
      const stored = sha256 ? lfsPointer(sha256, content.length) : content;
      const gitOid = gitObjectId('blob', stored);
      const previous = parent?.files.get(path);
      entries.set(path, {
        path,
        content,
        size: content.length,
        gitOid,
        ...(sha256 ? { lfs: { oid: sha256, size: content.length, pointerSize: stored.length } } : {}),
        etag: sha256 ?? gitOid,
        lastCommit: previous && previous.gitOid === gitOid ? previous.lastCommit : '', // set below once the id is known
      });
    }
    const { root, dirs } = treeIds(entries);
    const author = `Fake Hub <hub@example.invalid> ${clock} +0000`;
    const text = `tree ${root}\n${parent ? `parent ${parent.id}\n` : ''}author ${author}\ncommitter ${author}\n\n${message}\n`;
    const id = gitObjectId('commit', Buffer.from(text));
    for (const file of entries.values()) if (!file.lastCommit) file.lastCommit = id;
    const commit: FakeCommit = { id, ...(parent ? { parent: parent.id } : {}), message, date, tree: root, files: entries, dirs };
    repo.commits.set(id, commit);
    return commit;
  }

  const toBuffers = (files: Record<string, Buffer | string>) =>
    new Map(Object.entries(files).map(([p, c]) => [p, Buffer.isBuffer(c) ? c : Buffer.from(c)]));

  const hub: FakeHub = {
    url: '',
    cdnUrl: '',
    tokens: new Map(),
    requests: [],
    errors: [],
    repos,
    addRepo(options) {
      const type = options.type ?? 'model';
      const key = repoKey(type, options.id);
      let repo = repos.get(key);
      if (!repo) {
        repo = {
          type,
          id: options.id,
          private: options.private ?? false,
          refs: new Map(),
          commits: new Map(),
          lfs: options.lfs ?? defaultLfsRule,
        };
        repos.set(key, repo);
      }
      const revision = options.revision ?? 'main';
      const commit = makeCommit(
        repo,
        toBuffers(options.files),
        repo.refs.get(revision) ?? repo.refs.get('main'),
        options.message ?? 'initial commit',
      );
      repo.refs.set(revision, commit.id);
      return commit;
    },
    commit(type, id, change) {
      const repo = repos.get(repoKey(type, id));
      if (!repo) throw new Error(`fake hub: no ${type} repo ${id}`);
      const revision = change.revision ?? 'main';
      const head = repo.refs.get(revision);
      const files = new Map([...(head ? repo.commits.get(head)!.files : new Map<string, FakeFile>())].map(([p, f]) => [p, f.content]));
      for (const [p, c] of toBuffers(change.files ?? {})) files.set(p, c);
      for (const p of change.deletions ?? []) files.delete(p);
      const commit = makeCommit(repo, files, head, change.message ?? 'update');
      repo.refs.set(revision, commit.id);
      return commit;
    },
    repo: (type, id) => repos.get(repoKey(type, id)),
    resolveRevision(repo, revision) {
      const name = revision === 'HEAD' ? 'main' : revision;
      const id = repo.refs.get(name) ?? (COMMIT_ID.test(name) ? name : undefined);
      return id ? repo.commits.get(id) : undefined;
    },
    bodyPath(file, repo, commit) {
      if (file.lfs) return `/repos/${file.lfs.oid.slice(0, 2)}/${file.lfs.oid.slice(2, 4)}/${file.lfs.oid}`;
      return `/${repo.type === 'model' ? '' : `${pluralType(repo.type)}/`}${repo.id}/resolve/${commit.id}/${file.path}`;
    },
    addRoute(method, path, handler) {
      routes.push({ method: method.toUpperCase(), path, handler });
    },
    fault(match, fault) {
      faults.push({ match, fault, left: fault.times ?? 1 });
    },
    async close() {
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };

  // ---- built-in read routes -------------------------------------------------------------------

  /** The repo named in a request, or the error reply the hub gives (404, or 401 for private repos). */
  function findRepo(type: FakeRepoType, id: string, user: string | null): FakeRepo | RouteReply {
    const repo = repos.get(repoKey(type, id));
    if (!repo) return hubError(404, 'Repository not found', 'RepoNotFound');
    if (repo.private && user !== id.split('/')[0]) return hubError(401, 'Invalid username or password.', 'RepoNotFound');
    return repo;
  }

  function findCommit(repo: FakeRepo, revision: string): FakeCommit | RouteReply {
    const commit = hub.resolveRevision(repo, decodeURIComponent(revision));
    return commit ?? hubError(404, `Invalid rev id: ${decodeURIComponent(revision)}`, 'RevisionNotFound');
  }

  function entryJson(repo: FakeRepo, commit: FakeCommit, path: string, expand: boolean): object | undefined {
    const file = commit.files.get(path);
    const last = (id: string) => {
      const c = repo.commits.get(id)!;
      return { id: c.id, title: c.message, date: c.date.toISOString() };
    };
    if (file)
      return {
        type: 'file',
        oid: file.gitOid,
        size: file.size,
        path,
        ...(file.lfs ? { lfs: file.lfs } : {}),
        ...(expand ? { lastCommit: last(file.lastCommit), securityFileStatus: { status: 'safe' } } : {}),
      };
    const dir = commit.dirs.get(path);
    if (dir && path !== '') return { type: 'directory', oid: dir, size: 0, path, ...(expand ? { lastCommit: last(commit.id) } : {}) };
    return undefined;
  }

  function repoInfo(repo: FakeRepo, commit: FakeCommit): object {
    return {
      _id: sha1(repo.id).slice(0, 24),
      id: repo.id,
      ...(repo.type === 'model' ? { modelId: repo.id } : {}),
      author: repo.id.split('/')[0],
      sha: commit.id,
      lastModified: commit.date.toISOString(),
      createdAt: repo.commits.values().next().value!.date.toISOString(),
      private: repo.private,
      gated: false,
      disabled: false,
      downloads: 0,
      likes: 0,
      tags: [],
      siblings: [...commit.files.keys()].map((rfilename) => ({ rfilename })),
    };
  }

  function parsePathsBody(req: http.IncomingMessage, body: Buffer): { paths: string[]; expand: boolean } {
    if ((req.headers['content-type'] ?? '').includes('application/json')) {
      const parsed = JSON.parse(body.toString() || '{}') as { paths?: string[] | string; expand?: boolean };
      return { paths: ([] as string[]).concat(parsed.paths ?? []), expand: Boolean(parsed.expand) };
    }
    const form = new URLSearchParams(body.toString()); // huggingface_hub sends a form
    return { paths: form.getAll('paths'), expand: /^true$/i.test(form.get('expand') ?? '') };
  }

  /** The bytes of `content` for this request: 200, 206 with Content-Range, or 416. */
  function bytesReply(req: http.IncomingMessage, content: Buffer, headers: Record<string, string | number>): RouteReply {
    const base = { ...headers, 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' };
    const range = parseRange(req.headers.range, content.length);
    if (range === 'unsatisfiable')
      return { status: 416, headers: { ...base, 'Content-Range': `bytes */${content.length}` }, body: Buffer.alloc(0) };
    if (!range) return { status: 200, headers: base, body: content };
    return {
      status: 206,
      headers: { ...base, 'Content-Range': `bytes ${range.start}-${range.end}/${content.length}` },
      body: content.subarray(range.start, range.end + 1),
    };
  }

  function hubRoute(req: http.IncomingMessage, url: URL, body: Buffer, user: string | null): RouteReply {
    const path = url.pathname;
    const method = req.method ?? 'GET';
    let m: RegExpExecArray | null;

    if (path === '/api/whoami-v2' && method === 'GET') {
      const token = bearer(req);
      if (!token || !user) return hubError(401, 'Invalid credentials in Authorization header');
      return {
        body: {
          type: 'user',
          id: sha1(user).slice(0, 24),
          name: user,
          fullname: user,
          email: `${user}@example.invalid`,
          emailVerified: true,
          isPro: false,
          canPay: false,
          periodEnd: null,
          avatarUrl: '',
          orgs: [],
          auth: { type: 'access_token', accessToken: { displayName: 'test', role: 'write', createdAt: '2024-01-01T00:00:00.000Z' } },
        },
      };
    }

    if ((m = new RegExp(`^/api/${REPO_ROUTE}(?:/revision/([^/]+))?$`).exec(path)) && method === 'GET') {
      const repo = findRepo(singularType(m[1]), m[2], user);
      if (!('refs' in repo)) return repo;
      const commit = findCommit(repo, m[3] ?? 'HEAD');
      return 'files' in commit ? { body: repoInfo(repo, commit) } : commit;
    }

    if ((m = new RegExp(`^/api/${REPO_ROUTE}/tree/([^/]+)(?:/(.*))?$`).exec(path)) && method === 'GET') {
      const repo = findRepo(singularType(m[1]), m[2], user);
      if (!('refs' in repo)) return repo;
      const commit = findCommit(repo, m[3]);
      if (!('files' in commit)) return commit;
      const dir = decodeURIComponent(m[4] ?? '').replace(/\/$/, '');
      if (dir && !commit.dirs.has(dir)) return hubError(404, `Entry not found`, 'EntryNotFound');
      const recursive = url.searchParams.get('recursive') === 'true';
      const expand = url.searchParams.get('expand') === 'true';
      const inDir = (p: string) => dir === '' || p.startsWith(`${dir}/`);
      const rest = (p: string) => (dir === '' ? p : p.slice(dir.length + 1));
      const paths = [...commit.dirs.keys(), ...commit.files.keys()]
        .filter((p) => p !== '' && p !== dir && inDir(p) && (recursive || !rest(p).includes('/')))
        .sort();
      const cursor = Number(url.searchParams.get('cursor') ?? 0);
      const page = paths.slice(cursor, cursor + TREE_PAGE).map((p) => entryJson(repo, commit, p, expand));
      const headers: Record<string, string> = {};
      if (cursor + TREE_PAGE < paths.length) {
        const next = new URL(url.toString(), hub.url);
        next.searchParams.set('cursor', String(cursor + TREE_PAGE));
        headers.Link = `<${next.toString()}>; rel="next"`;
      }
      return { headers, body: page };
    }

    if ((m = new RegExp(`^/api/${REPO_ROUTE}/paths-info/([^/]+)$`).exec(path)) && method === 'POST') {
      const repo = findRepo(singularType(m[1]), m[2], user);
      if (!('refs' in repo)) return repo;
      const commit = findCommit(repo, m[3]);
      if (!('files' in commit)) return commit;
      const { paths, expand } = parsePathsBody(req, body);
      return { body: paths.map((p) => entryJson(repo, commit, p, expand)).filter((e) => e !== undefined) };
    }

    if ((m = FILE_ROUTE.exec(path)) && (method === 'GET' || method === 'HEAD')) {
      const repo = findRepo(m[1] ? singularType(m[1]) : 'model', m[2], user);
      if (!('refs' in repo)) return repo;
      const commit = findCommit(repo, m[4]);
      if (!('files' in commit)) return commit;
      const file = commit.files.get(decodeURIComponent(m[5]));
      if (!file) return hubError(404, 'Entry not found', 'EntryNotFound');
      const headers: Record<string, string | number> = {
        'X-Repo-Commit': commit.id,
        'Content-Disposition': `inline; filename*=UTF-8''${encodeURIComponent(file.path.split('/').pop()!)}`,
      };
      if (m[3] === 'raw' || !file.lfs) {
        const content = m[3] === 'raw' && file.lfs ? lfsPointer(file.lfs.oid, file.size) : file.content;
        return bytesReply(req, content, { ...headers, ETag: `"${file.gitOid}"` });
      }
      const location = `${hub.cdnUrl}${hub.bodyPath(file, repo, commit)}?sig=${sign(file.lfs.oid)}`;
      return {
        status: 302,
        headers: {
          ...headers,
          ETag: `"${file.gitOid}"`,
          'X-Linked-Etag': `"${file.lfs.oid}"`,
          'X-Linked-Size': file.size,
          Location: location,
          'Content-Type': 'text/plain; charset=utf-8',
        },
        body: `Found. Redirecting to ${location}`,
      };
    }
    return hubError(404, `no route for ${method} ${path}`);
  }

  function cdnRoute(req: http.IncomingMessage, url: URL): RouteReply {
    const m = CDN_ROUTE.exec(url.pathname);
    if (!m || (req.method !== 'GET' && req.method !== 'HEAD')) return { status: 404, body: 'NoSuchKey' };
    if (url.searchParams.get('sig') !== sign(m[1])) return { status: 403, body: 'AccessDenied: bad or missing signature' };
    for (const repo of repos.values())
      for (const commit of repo.commits.values())
        for (const file of commit.files.values()) if (file.lfs?.oid === m[1]) return bytesReply(req, file.content, { ETag: `"${m[1]}"` });
    return { status: 404, body: 'NoSuchKey' };
  }

  // ---- the server plumbing ------------------------------------------------------------------

  function bearer(req: http.IncomingMessage): string | null {
    const m = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
    return m ? m[1] : null;
  }

  function takeFault(path: string, method: string): Fault | undefined {
    const found = faults.find(
      (f) =>
        f.left > 0 &&
        (!f.fault.method || f.fault.method.toUpperCase() === method) &&
        (typeof f.match === 'string' ? f.match === path : f.match.test(path)),
    );
    if (found) found.left -= 1;
    return found?.fault;
  }

  function send(req: http.IncomingMessage, res: http.ServerResponse, reply: Reply, fault: Fault | undefined): void {
    const head = req.method === 'HEAD';
    res.writeHead(reply.status, { ...reply.headers, 'Content-Length': reply.body.length });
    if (head) {
      res.end();
      return;
    }
    if (fault?.cutAfterBytes !== undefined && fault.cutAfterBytes < reply.body.length) {
      // Flush the first bytes, then kill the socket: the client sees a body shorter than Content-Length.
      res.write(reply.body.subarray(0, fault.cutAfterBytes), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(reply.body);
  }

  async function handle(server: 'hub' | 'cdn', req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', server === 'hub' ? hub.url : hub.cdnUrl);
    const method = (req.method ?? 'GET').toUpperCase();
    hub.requests.push({ server, method, url: req.url ?? '/', path: url.pathname, headers: req.headers, body });

    const fault = takeFault(url.pathname, method);
    if (fault?.drop) {
      req.socket.destroy();
      return;
    }
    if (fault?.status) {
      send(req, res, toReply(hubError(fault.status, `injected fault (${fault.status})`)), undefined);
      return;
    }
    if (server === 'cdn') {
      send(req, res, toReply(cdnRoute(req, url)), fault);
      return;
    }
    const token = bearer(req);
    const user = token ? (hub.tokens.get(token) ?? null) : null;
    if (token && !user) {
      send(req, res, toReply(hubError(401, 'Invalid credentials in Authorization header')), undefined);
      return;
    }
    for (const route of routes) {
      if (route.method !== '*' && route.method !== method) continue;
      const match = route.path.exec(url.pathname);
      if (!match) continue;
      const reply = await route.handler({ req, res, method, url, match, body, token, user, hub });
      if (reply) send(req, res, toReply(reply), fault);
      else if (!res.writableEnded && !res.headersSent) send(req, res, toReply(hubError(500, 'route answered nothing')), undefined);
      return;
    }
    send(req, res, toReply(hubRoute(req, url, body, user)), fault);
  }

  const servers = ['hub', 'cdn'].map((name) =>
    http.createServer((req, res) => {
      handle(name as 'hub' | 'cdn', req, res).catch((error: Error) => {
        hub.errors.push(error);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: String(error) }));
      });
    }),
  );
  const ports = await Promise.all(
    servers.map((s) => new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)))),
  );
  hub.url = `http://127.0.0.1:${ports[0]}`;
  hub.cdnUrl = `http://127.0.0.1:${ports[1]}`;
  return hub;
}
