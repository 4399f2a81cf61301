/**
 * The write side of the fake hub (test/helpers/fake-hub.ts), added through its `addRoute`: what
 * @huggingface/hub 2.17's createRepo, createBranch and commit (uploadFiles) send, answered as
 * the public Hub does.
 *   POST /api/repos/create                                   {name, organization, type, private|visibility}: 200 {url, name, id} or 409
 *   POST /api/{type}s/{id}/branch/{branch}                   {startingPoint?}: a branch at main's head, 409 when it exists
 *   POST /api/{type}s/{id}/preupload/{rev}                   {files: [{path, size, sample}]} → uploadMode lfs | regular
 *   POST /[{type}s/]{id}.git/info/lfs/objects/batch          git-lfs batch; always answers transfer "basic" (xet refused,
 *                                                            so the library falls back to LFS), upload hrefs signed, no token needed
 *   PUT  /fake-lfs/{sha256}?sig=…                            the LFS bytes; sha256 and size checked, stored
 *   POST /api/{type}s/{id}/commit/{rev}                      NDJSON header / file (base64) / lfsFile / deletedFile lines
 * Writes need a valid token of the repo's namespace (401 without one, 403 for another user's repo).
 * Every accepted commit is also kept in `uploads.commits` with the paths it changed.
 */
import * as crypto from 'node:crypto';
import { hubError, type FakeHub, type FakeRepo, type FakeRepoType, type RouteContext, type RouteReply } from './fake-hub';

export interface UploadedCommit {
  repo: string;
  revision: string;
  oid: string;
  message: string;
  /** Paths added or changed by this commit, sorted. */
  paths: string[];
  deleted: string[];
  /** Paths that arrived through LFS (batch + PUT), not inline. */
  lfsPaths: string[];
}

export interface FakeUploads {
  commits: UploadedCommit[];
  /** LFS objects received: sha256 → bytes. */
  lfs: Map<string, Buffer>;
  /** The `transfers` each LFS batch request offered (to see that xet was asked for and refused). */
  batchTransfers: string[][];
}

const GITATTRIBUTES = '*.safetensors filter=lfs diff=lfs merge=lfs -text\n*.bin filter=lfs diff=lfs merge=lfs -text\n';
const REPO = '((?:[^/]+/)?[^/]+?)';

function typeOf(plural: string | undefined): FakeRepoType {
  return plural ? (plural.slice(0, -1) as FakeRepoType) : 'model';
}

function json(body: Buffer): Record<string, unknown> {
  return JSON.parse(body.toString() || '{}') as Record<string, unknown>;
}

/** The repo a write names, or the hub's refusal: 401 without a token, 404 unknown repo, 403 another namespace. */
function writableRepo(ctx: RouteContext, type: FakeRepoType, id: string): FakeRepo | RouteReply {
  if (!ctx.user) return hubError(401, 'Invalid credentials in Authorization header');
  const repo = ctx.hub.repo(type, id);
  if (!repo) return hubError(404, 'Repository not found', 'RepoNotFound');
  if (id.split('/')[0] !== ctx.user) return hubError(403, `You don't have the rights to write to ${id}`);
  return repo;
}

export interface UploadRouteOptions {
  /** Answer each commit this much later (a slow hub: lets a test see a save while a push is still running). */
  commitDelayMs?: number;
}

export function addUploadRoutes(hub: FakeHub, options: UploadRouteOptions = {}): FakeUploads {
  const uploads: FakeUploads = { commits: [], lfs: new Map(), batchTransfers: [] };
  const secret = crypto.randomBytes(16);
  const sign = (oid: string) => crypto.createHmac('sha256', secret).update(oid).digest('hex');

  hub.addRoute('POST', /^\/api\/repos\/create$/, (ctx) => {
    if (!ctx.user) return hubError(401, 'Invalid credentials in Authorization header');
    const body = json(ctx.body);
    const name = String(body.name ?? '');
    const namespace = String(body.organization ?? ctx.user);
    const type = (body.type as FakeRepoType | undefined) ?? 'model';
    if (!name) return hubError(400, 'name is required');
    if (namespace !== ctx.user) return hubError(403, `You don't have the rights to create a repo in ${namespace}`);
    const id = `${namespace}/${name}`;
    const url = `${ctx.hub.url}/${type === 'model' ? '' : `${type}s/`}${id}`;
    if (ctx.hub.repo(type, id)) return { status: 409, body: { error: 'You already created this model repo', url } };
    const isPrivate = body.private === true || body.visibility === 'private';
    // the public Hub starts every repo with a commit holding its .gitattributes.
    ctx.hub.addRepo({ type, id, private: isPrivate, files: { '.gitattributes': GITATTRIBUTES }, message: 'initial commit' });
    return { body: { url, name: id, id: crypto.randomBytes(12).toString('hex') } };
  });

  hub.addRoute('POST', new RegExp(`^/api/(models|datasets|spaces)/${REPO}/branch/([^/]+)$`), (ctx) => {
    const repo = writableRepo(ctx, typeOf(ctx.match[1]), ctx.match[2]);
    if (!('refs' in repo)) return repo;
    const branch = decodeURIComponent(ctx.match[3]);
    if (repo.refs.has(branch)) return hubError(409, `Reference already exists: refs/heads/${branch}`);
    const from = ctx.hub.resolveRevision(repo, String(json(ctx.body).startingPoint ?? 'main'));
    if (!from) return hubError(404, 'Invalid starting point', 'RevisionNotFound');
    repo.refs.set(branch, from.id);
    return { body: {} };
  });

  hub.addRoute('POST', new RegExp(`^/api/(models|datasets|spaces)/${REPO}/preupload/([^/]+)$`), (ctx) => {
    const repo = writableRepo(ctx, typeOf(ctx.match[1]), ctx.match[2]);
    if (!('refs' in repo)) return repo;
    const revision = decodeURIComponent(ctx.match[3]);
    if (!repo.refs.has(revision)) return hubError(404, `Invalid rev id: ${revision}`, 'RevisionNotFound');
    const files = (json(ctx.body).files ?? []) as Array<{ path: string; size: number; sample: string }>;
    return {
      body: {
        files: files.map((f) => ({ path: f.path, uploadMode: repo.lfs(f.path, f.size) ? 'lfs' : 'regular', shouldIgnore: false })),
        commitOid: repo.refs.get(revision),
      },
    };
  });

  hub.addRoute('POST', new RegExp(`^/(?:(datasets|spaces)/)?${REPO}\\.git/info/lfs/objects/batch$`), (ctx) => {
    const repo = writableRepo(ctx, typeOf(ctx.match[1]), ctx.match[2]);
    if (!('refs' in repo)) return repo;
    const body = json(ctx.body) as { operation?: string; transfers?: string[]; objects?: Array<{ oid: string; size: number }> };
    uploads.batchTransfers.push(body.transfers ?? []);
    if (body.operation !== 'upload') return hubError(400, 'only uploads are supported here');
    const objects = (body.objects ?? []).map(({ oid, size }) =>
      // An object the hub already holds needs no upload: no actions, as git-lfs servers answer.
      uploads.lfs.has(oid)
        ? { oid, size }
        : { oid, size, authenticated: true, actions: { upload: { href: `${ctx.hub.url}/fake-lfs/${oid}?size=${size}&sig=${sign(oid)}` } } },
    );
    return { headers: { 'Content-Type': 'application/vnd.git-lfs+json' }, body: { transfer: 'basic', objects } };
  });

  hub.addRoute('PUT', /^\/fake-lfs\/([0-9a-f]{64})$/, (ctx) => {
    const oid = ctx.match[1];
    if (ctx.url.searchParams.get('sig') !== sign(oid)) return { status: 403, body: 'AccessDenied: bad or missing signature' };
    const sha = crypto.createHash('sha256').update(ctx.body).digest('hex');
    if (sha !== oid || String(ctx.body.length) !== ctx.url.searchParams.get('size'))
      return { status: 400, body: `content does not match oid ${oid} / size ${ctx.url.searchParams.get('size')}` };
    uploads.lfs.set(oid, ctx.body);
    return { status: 200, body: '' };
  });

  hub.addRoute('POST', new RegExp(`^/api/(models|datasets|spaces)/${REPO}/commit/([^/]+)$`), async (ctx) => {
    if (options.commitDelayMs) await new Promise((resolve) => setTimeout(resolve, options.commitDelayMs));
    const type = typeOf(ctx.match[1]);
    const id = ctx.match[2];
    const repo = writableRepo(ctx, type, id);
    if (!('refs' in repo)) return repo;
    const revision = decodeURIComponent(ctx.match[3]);
    if (!repo.refs.has(revision)) return hubError(404, `Invalid rev id: ${revision}`, 'RevisionNotFound');
    if (!String(ctx.req.headers['content-type'] ?? '').startsWith('application/x-ndjson')) return hubError(400, 'expected NDJSON');
    const lines = ctx.body
      .toString()
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { key: string; value: Record<string, unknown> });
    const header = lines.find((l) => l.key === 'header')?.value ?? {};
    if (header.parentCommit && header.parentCommit !== repo.refs.get(revision))
      return hubError(412, 'A commit has happened since. Please refresh and try again.');
    const files: Record<string, Buffer> = {};
    const deleted: string[] = [];
    const lfsPaths: string[] = [];
    for (const { key, value } of lines) {
      if (key === 'file') files[String(value.path)] = Buffer.from(String(value.content), value.encoding === 'base64' ? 'base64' : 'utf8');
      else if (key === 'lfsFile') {
        const bytes = uploads.lfs.get(String(value.oid));
        if (!bytes || bytes.length !== value.size)
          return hubError(422, `LFS object ${String(value.oid)} of ${String(value.path)} was never uploaded`);
        files[String(value.path)] = bytes;
        lfsPaths.push(String(value.path));
      } else if (key === 'deletedFile') deleted.push(String(value.path));
      else if (key !== 'header') return hubError(400, `unknown NDJSON line key ${key}`);
    }
    const message = String(header.summary ?? '');
    if (!message) return hubError(400, 'a commit needs a summary');
    const commit = ctx.hub.commit(type, id, { files, deletions: deleted, revision, message });
    uploads.commits.push({
      repo: id,
      revision,
      oid: commit.id,
      message,
      paths: Object.keys(files).sort(),
      deleted,
      lfsPaths: lfsPaths.sort(),
    });
    return { body: { success: true, commitOid: commit.id, commitUrl: `${ctx.hub.url}/${id}/commit/${commit.id}`, hookOutput: '' } };
  });

  return uploads;
}

/** The bytes of `file` at the head of `revision` in a model repo of the fake hub, or undefined. */
export function repoFile(hub: FakeHub, repoId: string, file: string, revision = 'main'): Buffer | undefined {
  const repo = hub.repo('model', repoId);
  const commit = repo ? hub.resolveRevision(repo, revision) : undefined;
  return commit?.files.get(file)?.content;
}
