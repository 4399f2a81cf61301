/**
 * The access token: where huggingface_hub looks for it (HF_TOKEN first, then $HF_TOKEN_PATH, else
 * $HF_HOME/token), how it is saved (atomic, 0600 in a 0700 folder), redaction, and whoami
 * against the local fake hub.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  deleteToken,
  describeFailure,
  findToken,
  getToken,
  hubEndpoint,
  hubOffline,
  implicitToken,
  redactTokens,
  saveToken,
  tokenPath,
  whoami,
} from '../../lib/hub/token';
import { startFakeHub, type FakeHub } from '../helpers/fake-hub';
import { HUB_URL } from '@huggingface/hub';
import { hfHome } from '../../lib/hub/cache';

const TOKEN = 'hf_bobSecretToken0123456789abc';
let root: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-token-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('where the token lives', () => {
  it('is $HF_TOKEN_PATH, else $HF_HOME/token, else $XDG_CACHE_HOME/huggingface/token, else ~/.cache/huggingface/token', () => {
    expect(tokenPath({ HF_TOKEN_PATH: '/t/tok', HF_HOME: '/h' })).toBe('/t/tok');
    expect(tokenPath({ HF_HOME: '/h' })).toBe('/h/token');
    expect(tokenPath({ XDG_CACHE_HOME: '/x' })).toBe('/x/huggingface/token');
    expect(tokenPath({})).toBe(path.join(os.homedir(), '.cache', 'huggingface', 'token'));
    expect(tokenPath({ HF_TOKEN_PATH: '~/tok' })).toBe(path.join(os.homedir(), 'tok'));
    expect(hfHome({ HF_HOME: '~/hf' })).toBe(path.join(os.homedir(), 'hf'));
  });

  it('takes HF_TOKEN first, then the legacy HUGGING_FACE_HUB_TOKEN, then the file (trimmed)', () => {
    const file = path.join(root, 'token');
    fs.writeFileSync(file, `  hf_fromFile123456\r\n`);
    const env = { HF_TOKEN_PATH: file };
    expect(findToken(env)).toEqual({ token: 'hf_fromFile123456', source: 'file', path: file });
    expect(getToken({ ...env, HUGGING_FACE_HUB_TOKEN: 'hf_legacy123456' })).toBe('hf_legacy123456');
    expect(getToken({ ...env, HF_TOKEN: 'hf_env123456', HUGGING_FACE_HUB_TOKEN: 'hf_legacy123456' })).toBe('hf_env123456');
    expect(findToken({ ...env, HF_TOKEN: 'hf_env123456' })?.source).toBe('HF_TOKEN');
    expect(getToken({ ...env, HF_TOKEN: '  ' })).toBe('hf_fromFile123456'); // empty means unset, as huggingface_hub
    expect(implicitToken({ ...env, HF_HUB_DISABLE_IMPLICIT_TOKEN: '1' })).toBeUndefined();
    expect(getToken({ HF_TOKEN_PATH: path.join(root, 'absent') })).toBeUndefined();
    expect(getToken({ HF_HOME: root })).toBe('hf_fromFile123456'); // $HF_HOME/token
  });

  it('reads the endpoint and offline mode as huggingface_hub spells them', () => {
    expect(hubEndpoint({})).toBe(HUB_URL);
    expect(hubEndpoint({ HF_ENDPOINT: 'http://127.0.0.1:9/' })).toBe('http://127.0.0.1:9');
    for (const on of ['1', 'true', 'YES', 'on']) expect(hubOffline({ HF_HUB_OFFLINE: on })).toBe(true);
    for (const off of ['', '0', 'false', 'no']) expect(hubOffline({ HF_HUB_OFFLINE: off })).toBe(false);
  });
});

describe('saving and removing', () => {
  it('writes the bare token with mode 0600, creating parent folders 0700, and leaves no temporary file', () => {
    const env = { HF_HOME: path.join(root, 'a', 'b') };
    const file = saveToken(`${TOKEN}\n`, env);
    expect(file).toBe(path.join(root, 'a', 'b', 'token'));
    expect(fs.readFileSync(file, 'utf8')).toBe(TOKEN);
    expect(mode(file)).toBe(0o600);
    expect(mode(path.join(root, 'a', 'b'))).toBe(0o700);
    expect(mode(path.join(root, 'a'))).toBe(0o700);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['token']);
    expect(getToken(env)).toBe(TOKEN);
  });

  it('replaces an existing, world-readable token file with a 0600 one, and honours HF_TOKEN_PATH', () => {
    const file = path.join(root, 'custom', 'tok');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, 'hf_old', { mode: 0o644 });
    expect(saveToken(TOKEN, { HF_TOKEN_PATH: file, HF_HOME: path.join(root, 'unused') })).toBe(file);
    expect(fs.readFileSync(file, 'utf8')).toBe(TOKEN);
    expect(mode(file)).toBe(0o600);
    expect(fs.existsSync(path.join(root, 'unused'))).toBe(false);
  });

  it('refuses an empty token and removes the file on delete', () => {
    const env = { HF_HOME: root };
    expect(() => saveToken('  \n', env)).toThrow(expect.objectContaining({ code: 'ERR_VIDEOMAE_INVALID_ARG' }));
    saveToken(TOKEN, env);
    expect(deleteToken(env)).toBe(true);
    expect(fs.existsSync(path.join(root, 'token'))).toBe(false);
    expect(deleteToken(env)).toBe(false);
  });
});

describe('redaction', () => {
  it('hides hf_ tokens and the known token in any text', () => {
    expect(redactTokens(`Bearer ${TOKEN} failed`)).toBe('Bearer hf_*** failed');
    expect(redactTokens('token api_org_abcdef123 and sekrit-value', 'sekrit-value')).toBe('token hf_*** and hf_***');
    const error = new Error(`bad ${TOKEN}`, { cause: { code: 'ECONNREFUSED' } });
    expect(describeFailure(error)).toBe('bad hf_***: ECONNREFUSED');
  });
});

describe('whoami against the fake hub', () => {
  let hub: FakeHub;
  let savedOffline: string | undefined;
  beforeEach(async () => {
    hub = await startFakeHub();
    hub.tokens.set(TOKEN, 'bob');
    savedOffline = process.env.HF_HUB_OFFLINE;
    delete process.env.HF_HUB_OFFLINE;
  });
  afterEach(async () => {
    await hub.close();
    if (savedOffline === undefined) delete process.env.HF_HUB_OFFLINE;
    else process.env.HF_HUB_OFFLINE = savedOffline;
  });

  it('names the user, sending the token only in the Authorization header', async () => {
    await expect(whoami({ token: TOKEN, hubUrl: hub.url })).resolves.toEqual({
      name: 'bob',
      type: 'user',
      fullname: 'bob',
      orgs: [],
      tokenRole: 'write',
    });
    expect(hub.requests).toHaveLength(1);
    expect(hub.requests[0]).toMatchObject({
      method: 'GET',
      url: '/api/whoami-v2',
      headers: expect.objectContaining({ authorization: `Bearer ${TOKEN}` }),
    });
  });

  it('tells a refused token (ERR_VIDEOMAE_INVALID_ARG) from an unreachable hub (ERR_VIDEOMAE_IO), never echoing it', async () => {
    const wrong = 'hf_notAValidOne0123456789';
    const refused = (await whoami({ token: wrong, hubUrl: hub.url }).catch((e: unknown) => e)) as Error & { code: string };
    expect(refused.code).toBe('ERR_VIDEOMAE_INVALID_ARG');
    expect(refused.message).toContain('refused the token (401');
    expect(`${refused.message}${refused.stack}`).not.toContain(wrong);
    await expect(whoami({ token: 'not-a-token', hubUrl: hub.url })).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
    const url = hub.url;
    await hub.close();
    const unreachable = (await whoami({ token: TOKEN, hubUrl: url }).catch((e: unknown) => e)) as Error & { code: string };
    expect(unreachable.code).toBe('ERR_VIDEOMAE_IO');
    expect(unreachable.message).toMatch(new RegExp(`^the hub at ${url} could not be reached \\(fetch failed: ECONNREFUSED\\)$`));
    hub = await startFakeHub(); // for afterEach
  });

  it('does not ask the hub when HF_HUB_OFFLINE is set', async () => {
    process.env.HF_HUB_OFFLINE = '1';
    await expect(whoami({ token: TOKEN, hubUrl: hub.url })).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_IO',
      message: expect.stringContaining('HF_HUB_OFFLINE is set'),
    });
    expect(hub.requests).toEqual([]);
  });
});
