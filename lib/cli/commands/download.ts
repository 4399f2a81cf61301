/**
 * `videomae download <repo> [file…]`: files of a hub repository into the Hugging Face cache
 * (lib/hub/hub-download.ts); prints each file's local path, or the snapshot folder when no file is
 * named (the whole revision), one per line, so scripts can use the output. The progress bar goes to
 * stderr, on a terminal only.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { hubDownload, type HubRepoType } from '../../hub/hub-download';

interface DownloadOptions {
  repoType: HubRepoType;
  revision: string;
  cacheDir?: string;
  token?: string;
  quiet?: boolean;
}

function repoType(value: string): HubRepoType {
  if (value !== 'model' && value !== 'dataset') throw new InvalidArgumentError('expected "model" or "dataset"');
  return value;
}

async function download(repo: string, files: string[], options: DownloadOptions): Promise<void> {
  const common = {
    repo,
    repoType: options.repoType,
    revision: options.revision,
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    ...(options.token ? { accessToken: options.token } : {}),
    ...(options.quiet ? { progress: false } : {}),
  };
  const paths = files.length > 0 ? await hubDownload({ ...common, files }) : [await hubDownload(common)];
  process.stdout.write(`${paths.join('\n')}\n`);
}

export function registerDownloadCommand(program: Command): void {
  program
    .command('download')
    .description('download files of a Hugging Face repository into the hub cache (shared with Python) and print their paths')
    .argument('<repo>', 'repository id "owner/name"')
    .argument('[files...]', 'paths in the repository (default: all files of the revision)')
    .option('--repo-type <type>', 'model or dataset', repoType, 'model')
    .option('--revision <rev>', 'branch, tag or commit', 'main')
    .option('--cache-dir <dir>', 'hub cache folder (default $HF_HUB_CACHE, else $HF_HOME/hub)')
    .option('--token <token>', 'access token (default: HF_TOKEN, else the one saved by `videomae login`)')
    .option('-q, --quiet', 'no progress bar')
    .action((repo: string, files: string[], options: DownloadOptions) => download(repo, files, options));
}
