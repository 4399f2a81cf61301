/**
 * `videomae login | logout | whoami`: the Hugging Face access token, kept where huggingface_hub
 * keeps it (lib/hub/token.ts). The token is read from --token, a hidden prompt (a TTY: nothing is
 * echoed) or stdin, and never printed: messages name the user and the file, not the token.
 */
import type { Command } from 'commander';
import { VideomaeError } from '../../errors';
import { deleteToken, findToken, hubEndpoint, hubOffline, redactTokens, saveToken, tokenPath, whoami } from '../../hub/token';

function warn(message: string): void {
  process.stderr.write(`videomae: warning: ${message}\n`);
}

/** Reads a line from the terminal without echoing it (raw mode; backspace edits, Ctrl-C cancels). */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  stdin.setRawMode(true); // before the prompt: what is typed after seeing it must never be echoed
  process.stderr.write(prompt);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (result: () => void) => {
      stdin.removeListener('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      result();
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || (ch === '\u0004' && value)) return finish(() => resolve(value));
        if (ch === '\u0003' || ch === '\u0004') return finish(() => reject(new VideomaeError('login cancelled', 'ERR_VIDEOMAE_CANCELLED')));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  // The first non-empty line: `echo $TOKEN | videomae login` and a file with a trailing newline both work.
  return (
    Buffer.concat(chunks)
      .toString('utf8')
      .split(/\r?\n/)
      .find((line) => line.trim()) ?? ''
  ).trim();
}

async function readToken(option: string | undefined): Promise<string> {
  const token = (
    option ?? (process.stdin.isTTY ? await promptHidden('Hugging Face access token (input hidden): ') : await readStdin())
  ).trim();
  if (!token)
    throw new VideomaeError('no token given: pass --token, type it at the prompt, or pipe it on stdin', 'ERR_VIDEOMAE_INVALID_ARG');
  if (!token.startsWith('hf_'))
    throw new VideomaeError('that is not a Hugging Face access token (they start with "hf_"); not saved', 'ERR_VIDEOMAE_INVALID_ARG');
  return token;
}

async function login(options: { token?: string }): Promise<void> {
  const token = await readToken(options.token);
  if (process.env.HF_TOKEN) warn('HF_TOKEN is set in the environment and is used before the saved token');
  if (hubOffline()) {
    const file = saveToken(token);
    warn(`HF_HUB_OFFLINE is set: the token was not checked with the hub`);
    process.stdout.write(`token saved to ${file}\n`);
    return;
  }
  let user: string | undefined;
  try {
    user = (await whoami({ token })).name;
  } catch (error) {
    // The hub said no: the token is wrong, keep the old one. Anything else (network, 5xx): save it anyway.
    if (error instanceof VideomaeError && error.code === 'ERR_VIDEOMAE_INVALID_ARG')
      throw new VideomaeError(`${redactTokens(error.message, token)}; the token was not saved`, 'ERR_VIDEOMAE_INVALID_ARG');
    warn(`could not check the token (${redactTokens(error instanceof Error ? error.message : String(error), token)}); saved it unchecked`);
  }
  const file = saveToken(token);
  process.stdout.write(user ? `logged in as ${user}\n` : `token saved to ${file}\n`);
  if (user) process.stderr.write(`videomae: token saved to ${file}\n`);
}

function logout(): void {
  const file = tokenPath();
  const removed = deleteToken();
  process.stdout.write(removed ? `logged out (removed ${file})\n` : `not logged in (no token file at ${file})\n`);
  if (process.env.HF_TOKEN) warn('HF_TOKEN is still set in the environment: unset it to log out completely');
}

async function showWhoami(): Promise<void> {
  const found = findToken();
  if (!found)
    throw new VideomaeError(
      `not logged in: no HF_TOKEN and no token file at ${tokenPath()} (run \`videomae login\`)`,
      'ERR_VIDEOMAE_INVALID_ARG',
    );
  if (hubOffline())
    throw new VideomaeError('HF_HUB_OFFLINE is set: whoami has to ask the hub, which offline mode forbids', 'ERR_VIDEOMAE_IO');
  const me = await whoami({ token: found.token, hubUrl: hubEndpoint() });
  process.stdout.write(`${me.name}\n${me.orgs.length > 0 ? `orgs: ${me.orgs.join(', ')}\n` : ''}`);
}

export function registerHubAuthCommands(program: Command): void {
  program
    .command('login')
    .description(
      'save a Hugging Face access token where huggingface_hub keeps it ($HF_TOKEN_PATH, else $HF_HOME/token), checked with the hub',
    )
    .option('--token <token>', 'the token (else a hidden prompt on a terminal, or the first line of stdin)')
    .action((options: { token?: string }) => login(options));
  program
    .command('logout')
    .description('remove the saved Hugging Face token')
    .action(() => logout());
  program
    .command('whoami')
    .description('print the Hugging Face user the token in effect belongs to')
    .action(() => showWhoami());
}
