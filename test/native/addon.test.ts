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

  it('says which GEMM library the dense layers use on this CPU: oneDNN for float32 only with AVX-512, unless overridden', () => {
    const { libtorch, cpu } = info();
    const avx512 = ['avx512_f', 'avx512_bw', 'avx512_vl', 'avx512_dq'].every((f) => cpu.features.includes(f));
    const override = process.env.VIDEOMAE_GEMM;
    const expected = !libtorch.mkldnn ? 'blas' : override === 'onednn' || override === 'blas' ? override : avx512 ? 'onednn' : 'blas';
    expect(cpu.gemm.float32).toBe(expected);
    expect(libtorch.cpuGemm).toBe(expected);
    if (process.arch === 'x64') expect(cpu.features).toContain('avx2'); // every x86-64 machine this project runs on has it
    // bf16 through oneDNN needs its bf16 kernels (AVX-512 BW/VL/DQ, AVX-NE-CONVERT or AMX); without them float32 products.
    const bf16Kernels = avx512 || cpu.features.includes('avx_ne_convert') || cpu.features.includes('amx_bf16');
    if (!process.env.VIDEOMAE_GEMM_BF16) expect(cpu.gemm.bfloat16).toBe(libtorch.mkldnn && bf16Kernels ? 'onednn' : 'float32');
    expect(cpu.gemm.reason.length).toBeGreaterThan(0);
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
