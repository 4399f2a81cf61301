/** The Hugging Face hub: finding model files (local folders, the cache, downloads into it), hub downloads, the access token, dataset archives, pushes. */
export { resolveModel, type ResolveModelOptions } from './resolve';
export { hubCacheDir, hfHome, repoFolderName, findCachedSnapshot, isRepoId } from './cache';
export type { DownloadOptions } from './download';
export { hubDownload, resolveHubCommit, type HubDownloadOptions, type HubDownloadProgress, type HubRepoType } from './hub-download';
export {
  getToken,
  findToken,
  implicitToken,
  saveToken,
  deleteToken,
  tokenPath,
  hubEndpoint,
  hubOffline,
  redactTokens,
  whoami,
  type TokenSource,
  type WhoamiResult,
  type WhoamiOptions,
} from './token';
export { pushToHub, ensureRepo, listFolderFiles, baseModelLicense, DEFAULT_IGNORE, type PushToHubOptions, type PushResult } from './push';
export {
  renderModelCard,
  modelCardForFolder,
  mayWriteModelCard,
  parseLogHistory,
  hyperparametersFromArgs,
  baseModelId,
  type ModelCardInput,
  type ModelCardDataset,
  type ModelCardOptions,
} from './model-card';
export { extractArchive, DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, type ExtractOptions, type ExtractResult } from './archive';
export { resolveDatasetSource, parseHfUrl, findDatasetRoot, type DatasetSourceOptions, type HfUrl } from './dataset-source';
