import { diagnostics } from '../../lib/native/diagnostics';
import { isNativeTensor, toNativeTensor } from '../../lib/native/tensor';

describe('typed arrays into native code', () => {
  it('are read in place on a worker thread', async () => {
    const data = Float32Array.from({ length: 1000 }, (_, i) => i);
    await expect(diagnostics().sumAsync({ data, shape: [10, 100] })).resolves.toBe(499500);
  });

  it('alias the JS memory (a native write is visible in JS)', async () => {
    const data = new Float32Array(16);
    await diagnostics().fillAsync({ data, shape: [4, 4] }, 2.5);
    expect(Array.from(data)).toEqual(new Array(16).fill(2.5));
  });

  it('accept every integer and float typed array', async () => {
    await expect(diagnostics().sumAsync({ data: Uint8Array.of(1, 2, 250), shape: [3] })).resolves.toBe(253);
    await expect(diagnostics().sumAsync({ data: Int32Array.of(-5, 7), shape: [2] })).resolves.toBe(2);
    await expect(diagnostics().sumAsync({ data: BigInt64Array.of(3n, 4n), shape: [2] })).resolves.toBe(7);
    await expect(diagnostics().sumAsync({ data: Float64Array.of(0.5, 0.25), shape: [2] })).resolves.toBe(0.75);
  });

  it('reject a shape that does not match the data', () => {
    expect(() => diagnostics().sumAsync({ data: new Float32Array(6), shape: [4, 2] })).toThrow(
      expect.objectContaining({ code: 'ERR_VIDEOMAE_INVALID_ARG', message: expect.stringMatching(/6 elements but shape needs 8/) }),
    );
    expect(() => diagnostics().sumAsync({ data: new Float32Array(2), shape: [-1, -2] })).toThrow(
      expect.objectContaining({ code: 'ERR_VIDEOMAE_INVALID_ARG' }),
    );
  });
});

describe('native tensors out to JS', () => {
  it('arrive as typed arrays over native memory with their shape', () => {
    const tensor = diagnostics().makeTensor(5);
    expect(tensor.shape).toEqual([5]);
    expect(tensor.data.constructor.name).toBe('Float32Array');
    expect(Array.from(tensor.data)).toEqual([0, 1, 2, 3, 4]);
  });

  it('NativeTensor views share storage; copy: true gives an independent copy', () => {
    const native = diagnostics().makeNativeTensor([2, 3]);
    expect(isNativeTensor(native)).toBe(true);
    expect(native.shape).toEqual([2, 3]);
    expect(native.dtype).toBe('Float');
    const view = native.toTypedArray() as Float32Array;
    const copy = native.toTypedArray({ copy: true }) as Float32Array;
    view[0] = 42;
    expect((native.toTypedArray() as Float32Array)[0]).toBe(42);
    expect(copy[0]).toBe(0);
    expect(Array.from(copy)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('a NativeTensor built from JS data copies it', () => {
    const data = Float32Array.of(1, 2, 3, 4);
    const native = toNativeTensor({ data, shape: [2, 2] });
    data[0] = 100;
    expect(Array.from(native.toTypedArray() as Float32Array)).toEqual([1, 2, 3, 4]);
    expect(native.toJs().shape).toEqual([2, 2]);
  });

  it('dispose() is idempotent and later use is ERR_VIDEOMAE_CLOSED', () => {
    const native = diagnostics().makeNativeTensor([4]);
    native.dispose();
    native.dispose();
    expect(native.disposed).toBe(true);
    expect(() => native.toTypedArray()).toThrow(expect.objectContaining({ code: 'ERR_VIDEOMAE_CLOSED' }));
    expect(() => native.shape).toThrow(expect.objectContaining({ code: 'ERR_VIDEOMAE_CLOSED' }));
  });
});
