import { info } from '../../lib/info';
import { diagnostics } from '../../lib/native/diagnostics';

describe('info()', () => {
  it('reports the real libtorch, Node-API, CPU and FFmpeg versions', () => {
    const result = info();
    expect(result.package.name).toBe('videomae');
    expect(result.napiVersion).toBeGreaterThanOrEqual(8);
    expect(result.libtorch.version).toMatch(/^2\.\d+\.\d+/);
    expect(result.libtorch.path.length).toBeGreaterThan(0);
    expect(result.cpu.threads).toBeGreaterThanOrEqual(1);
    expect(result.ffmpeg.libraries.libavformat).toMatch(/^\d+\.\d+\.\d+$/);
    expect(result.ffmpeg.libraries.libswscale).toMatch(/^\d+\.\d+\.\d+$/);
    expect(typeof result.ffmpeg.configuration).toBe('string');
    expect(result.cuda.available).toBe(result.cuda.devices > 0);
  });

  it('says which CPU GEMM backend the model uses: oneDNN where this libtorch has it, unless switched off', () => {
    const { libtorch } = info();
    const expected = libtorch.mkldnn && process.env.VIDEOMAE_GEMM !== 'blas' ? 'onednn' : 'blas';
    expect(libtorch.cpuGemm).toBe(expected);
  });
});

describe('native exceptions become VideomaeErrors with stable codes', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['videomae', 'ERR_VIDEOMAE_DECODE', /a videomae::Error from native code/],
    ['c10', 'ERR_VIDEOMAE_INTERNAL', /libtorch: a c10::Error from TORCH_CHECK/],
    ['c10-index', 'ERR_VIDEOMAE_INVALID_ARG', /index 5 out of range for tensor of size \[2\]/],
    ['bad_alloc', 'ERR_VIDEOMAE_OUT_OF_MEMORY', /out of memory/],
    ['std', 'ERR_VIDEOMAE_INTERNAL', /a std::runtime_error/],
    ['int', 'ERR_VIDEOMAE_INTERNAL', /unknown native exception/],
  ];

  it.each(cases)('synchronously: %s → %s', (kind, code, message) => {
    let caught: unknown;
    try {
      diagnostics().throwNative(kind);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ name: 'VideomaeError', code });
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message.startsWith('diagnostics.throwNative: ')).toBe(true);
  });

  it.each(cases)('on a worker thread: %s → rejected with %s', async (kind, code, message) => {
    await expect(diagnostics().rejectNative(kind)).rejects.toMatchObject({
      name: 'VideomaeError',
      code,
      message: expect.stringMatching(message),
    });
  });

  it('keeps c10 backtraces out of the message', () => {
    try {
      diagnostics().throwNative('c10');
    } catch (error) {
      expect((error as Error).message.split('\n')).toHaveLength(1);
      expect((error as Error).message.length).toBeLessThan(300);
    }
  });
});
