/**
 * The package's error class. Every failure — native (libtorch, FFmpeg, C++) or TypeScript —
 * reaches users as a VideomaeError with a stable `code` they can switch on.
 */
/**
 * Every code, stable: users switch on them, so none is ever renamed. All but the TypeScript-only
 * ones are also native/core/errors.h's ErrorCode names (test/native/error-codes.test.ts checks both
 * lists and the README's).
 */
export const ERROR_CODES = [
  'ERR_VIDEOMAE_INVALID_ARG',
  'ERR_VIDEOMAE_IO',
  'ERR_VIDEOMAE_DECODE',
  'ERR_VIDEOMAE_UNSUPPORTED',
  'ERR_VIDEOMAE_CHECKPOINT',
  'ERR_VIDEOMAE_MODEL',
  'ERR_VIDEOMAE_DEVICE',
  'ERR_VIDEOMAE_CLOSED',
  'ERR_VIDEOMAE_BUSY',
  'ERR_VIDEOMAE_CANCELLED',
  'ERR_VIDEOMAE_DATASET',
  'ERR_VIDEOMAE_OUT_OF_MEMORY',
  'ERR_VIDEOMAE_NATIVE_LOAD',
  'ERR_VIDEOMAE_ARCHIVE',
  'ERR_VIDEOMAE_DISTRIBUTED',
  'ERR_VIDEOMAE_INTERNAL',
] as const;

export type VideomaeErrorCode = (typeof ERROR_CODES)[number];

/** Raised by TypeScript only: loading the addon itself, and archive extraction (lib/hub/archive.ts). */
export const TYPESCRIPT_ONLY_ERROR_CODES: readonly VideomaeErrorCode[] = ['ERR_VIDEOMAE_NATIVE_LOAD', 'ERR_VIDEOMAE_ARCHIVE'];

export class VideomaeError extends Error {
  readonly code: VideomaeErrorCode;

  constructor(message: string, code: VideomaeErrorCode = 'ERR_VIDEOMAE_INTERNAL', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VideomaeError';
    this.code = code;
  }
}

/** True for a VideomaeError from any realm (jest and Electron contexts have their own classes). */
export function isVideomaeError(error: unknown): error is VideomaeError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'VideomaeError' &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}

/** "Expected <what> for <name> but received <value>" — the one vocabulary of argument errors. */
export function invalidArg(name: string, expected: string, received: unknown): VideomaeError {
  return new VideomaeError(`Expected ${expected} for ${name} but received ${describeValue(received)}`, 'ERR_VIDEOMAE_INVALID_ARG');
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return `a value of type ${typeof value}`;
}
