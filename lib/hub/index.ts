/** Finding model files: local folders, the Hugging Face cache, downloads into it. */
export { resolveModel, type ResolveModelOptions } from './resolve';
export { hubCacheDir, repoFolderName, findCachedSnapshot, isRepoId } from './cache';
export type { DownloadOptions } from './download';
