/**
 * Who we are to the hub and where it is: the access token (found, saved and removed exactly where
 * huggingface_hub keeps it, so `hf auth login` and `videomae login` share it), the endpoint
 * (HF_ENDPOINT) and offline mode (HF_HUB_OFFLINE). A token never goes into a message: every
 * error text that leaves this module passes through redactTokens.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideomaeError } from '../errors';
import { HUB_URL } from '@huggingface/hub';
import { expandUser, hfHome } from './cache';

// The public Hub's address, as @huggingface/hub states it (its own default).
const DEFAULT_ENDPOINT = HUB_URL;

/** huggingface_hub's truthy spelling for boolean variables: 1, ON, YES, TRUE (any case). */
export function envFlag(value: string | undefined): boolean {
  return ['1', 'ON', 'YES', 'TRUE'].includes((value ?? '').trim().toUpperCase());
}

/** The token file: $HF_TOKEN_PATH, else $HF_HOME/token. */
export function tokenPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.HF_TOKEN_PATH ? path.resolve(expandUser(env.HF_TOKEN_PATH)) : path.join(hfHome(env), 'token');
}

/** The hub's base URL: $HF_ENDPOINT (trailing slashes dropped), else the public Hub (@huggingface/hub's HUB_URL). */
export function hubEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return (env.HF_ENDPOINT || DEFAULT_ENDPOINT).replace(/\/+$/, '');
}

/** HF_HUB_OFFLINE: no network calls at all, answers from the cache only. */
export function hubOffline(env: NodeJS.ProcessEnv = process.env): boolean {
  return envFlag(env.HF_HUB_OFFLINE);
}

/** huggingface_hub's _clean_token: line breaks removed, spaces trimmed, empty → none. */
function cleanToken(value: string | undefined): string | undefined {
  const token = (value ?? '').replace(/[\r\n]/g, '').trim();
  return token || undefined;
}

export type TokenSource = 'HF_TOKEN' | 'HUGGING_FACE_HUB_TOKEN' | 'file';

/** The token in effect and where it came from: HF_TOKEN, the legacy HUGGING_FACE_HUB_TOKEN, then the token file. */
export function findToken(env: NodeJS.ProcessEnv = process.env): { token: string; source: TokenSource; path?: string } | null {
  for (const name of ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN'] as const) {
    const token = cleanToken(env[name]);
    if (token) return { token, source: name };
  }
  const file = tokenPath(env);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new VideomaeError(`cannot read the Hugging Face token file ${file} (${code ?? String(error)})`, 'ERR_VIDEOMAE_IO');
  }
  const token = cleanToken(text);
  return token ? { token, source: 'file', path: file } : null;
}

/** The token in effect (see findToken), or undefined when logged out. */
export function getToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findToken(env)?.token;
}

/** The token to send without being asked to: none when HF_HUB_DISABLE_IMPLICIT_TOKEN is set (as huggingface_hub). */
export function implicitToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return envFlag(env.HF_HUB_DISABLE_IMPLICIT_TOKEN) ? undefined : getToken(env);
}

/**
 * Writes the token file atomically (a temporary file in the same folder, then rename) with mode
 * 0600, creating missing parent folders with mode 0700. Returns the file's path.
 */
export function saveToken(token: string, env: NodeJS.ProcessEnv = process.env): string {
  const clean = cleanToken(token);
  if (!clean || /\s/.test(clean)) throw new VideomaeError('not a token: empty or containing spaces', 'ERR_VIDEOMAE_INVALID_ARG');
  const file = tokenPath(env);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  try {
    // 'wx' with 0600 so the token is never readable by others, not even before a chmod.
    const fd = fs.openSync(temp, 'wx', 0o600);
    try {
      fs.writeSync(fd, clean); // no newline: huggingface_hub writes the bare token
      fs.fchmodSync(fd, 0o600);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw new VideomaeError(
      `cannot write the Hugging Face token file ${file} (${(error as NodeJS.ErrnoException).code ?? error})`,
      'ERR_VIDEOMAE_IO',
    );
  }
  return file;
}

/** Removes the token file; false when there was none. */
export function deleteToken(env: NodeJS.ProcessEnv = process.env): boolean {
  const file = tokenPath(env);
  try {
    fs.unlinkSync(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new VideomaeError(
      `cannot remove the Hugging Face token file ${file} (${(error as NodeJS.ErrnoException).code})`,
      'ERR_VIDEOMAE_IO',
    );
  }
}

const TOKEN_PATTERN = /\b(hf_|api_org_)[A-Za-z0-9]{4,}/g;

/** `text` with anything shaped like a hub token (hf_…, api_org_…) and each of `known` replaced by "hf_***". */
export function redactTokens(text: string, ...known: Array<string | undefined>): string {
  let out = text;
  for (const token of known) if (token && token.length >= 4) out = out.split(token).join('hf_***');
  return out.replace(TOKEN_PATTERN, 'hf_***');
}

/** One line about what went wrong in a call, for wrapping: the message and a cause's code, token-free. */
export function describeFailure(error: unknown, ...known: Array<string | undefined>): string {
  // Duck-typed, not instanceof: errors from fetch (undici) may come from another realm (jest, Electron).
  const asError = (value: unknown) =>
    typeof value === 'object' && value !== null ? (value as { message?: unknown; code?: unknown; cause?: unknown }) : undefined;
  const outer = asError(error);
  const message = typeof outer?.message === 'string' ? outer.message : String(error);
  const cause = asError(outer?.cause);
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
  return redactTokens(detail && !message.includes(detail) ? `${message}: ${detail}` : message, ...known);
}

export interface WhoamiResult {
  name: string;
  type: string;
  fullname?: string;
  orgs: string[];
  /** The token's role ('read', 'write', 'fineGrained'), when the hub says. */
  tokenRole?: string;
}

export interface WhoamiOptions {
  /** Defaults to the token in effect (getToken). */
  token?: string;
  /** Defaults to hubEndpoint(). */
  hubUrl?: string;
  fetch?: typeof fetch;
}

/**
 * Asks the hub who the token belongs to (@huggingface/hub's whoAmI). Throws ERR_VIDEOMAE_INVALID_ARG
 * when the hub refuses the token (401) or it is not a hub token, ERR_VIDEOMAE_IO when the hub cannot
 * be asked (offline, network, server error).
 */
export async function whoami(options: WhoamiOptions = {}): Promise<WhoamiResult> {
  const token = options.token ?? getToken();
  if (!token)
    throw new VideomaeError(
      `not logged in: no HF_TOKEN and no token file at ${tokenPath()} (run \`videomae login\`)`,
      'ERR_VIDEOMAE_INVALID_ARG',
    );
  if (!token.startsWith('hf_'))
    throw new VideomaeError('not a Hugging Face access token (they start with "hf_")', 'ERR_VIDEOMAE_INVALID_ARG');
  const hubUrl = options.hubUrl ?? hubEndpoint();
  if (hubOffline()) throw new VideomaeError(`HF_HUB_OFFLINE is set: cannot ask ${hubUrl} who this token belongs to`, 'ERR_VIDEOMAE_IO');
  // Loaded here: @huggingface/hub is big and most commands never talk to the hub.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hub = require('@huggingface/hub') as typeof import('@huggingface/hub');
  let info: Awaited<ReturnType<typeof hub.whoAmI>>;
  try {
    info = await hub.whoAmI({ accessToken: token, hubUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  } catch (error) {
    const status = error instanceof hub.HubApiError ? error.statusCode : undefined;
    if (status === 401)
      throw new VideomaeError(`the hub at ${hubUrl} refused the token (401: ${describeFailure(error, token)})`, 'ERR_VIDEOMAE_INVALID_ARG');
    const what = status ? `answered ${status}` : 'could not be reached';
    throw new VideomaeError(`the hub at ${hubUrl} ${what} (${describeFailure(error, token)})`, 'ERR_VIDEOMAE_IO');
  }
  const auth = (info as { auth?: { accessToken?: { role?: string } } }).auth;
  return {
    name: info.name,
    type: info.type,
    ...('fullname' in info && info.fullname ? { fullname: info.fullname } : {}),
    orgs: 'orgs' in info && Array.isArray(info.orgs) ? info.orgs.map((o: { name: string }) => o.name) : [],
    ...(auth?.accessToken?.role ? { tokenRole: auth.accessToken.role } : {}),
  };
}
