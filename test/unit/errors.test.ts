import { VideomaeError, invalidArg, isVideomaeError } from '../../lib/errors';

describe('VideomaeError', () => {
  it('carries a stable code and a name', () => {
    const error = new VideomaeError('boom', 'ERR_VIDEOMAE_DECODE');
    expect(error.code).toBe('ERR_VIDEOMAE_DECODE');
    expect(error.name).toBe('VideomaeError');
    expect(error).toBeInstanceOf(Error);
    expect(isVideomaeError(error)).toBe(true);
  });

  it('recognises errors from another realm by shape', () => {
    expect(isVideomaeError({ name: 'VideomaeError', code: 'ERR_VIDEOMAE_IO', message: 'x' })).toBe(true);
    expect(isVideomaeError(new Error('plain'))).toBe(false);
  });

  it('words argument errors as "Expected … for … but received …"', () => {
    expect(invalidArg('topK', 'a positive integer', -1).message).toBe('Expected a positive integer for topK but received -1');
    expect(invalidArg('source', 'a path or Buffer', { a: 1 }).message).toContain('but received a value of type object');
    expect(invalidArg('x', 'y', 'z').code).toBe('ERR_VIDEOMAE_INVALID_ARG');
  });
});
