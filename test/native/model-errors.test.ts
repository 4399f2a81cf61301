/** Bad checkpoints and bad input: clear errors with codes, never a crash or a partial model. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VideoMAEForVideoClassification } from '../../lib/model';
import { tinyFixture } from './model-helpers';

function folderWith(files: Record<string, Buffer | string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-bad-'));
  fs.copyFileSync(path.join(tinyFixture, 'config.json'), path.join(dir, 'config.json'));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

function safetensors(header: Record<string, unknown>, dataBytes: number, declaredLength?: number): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(declaredLength ?? json.length));
  return Buffer.concat([length, json, Buffer.alloc(dataBytes)]);
}

const load = (dir: string, options = {}) => VideoMAEForVideoClassification.fromPretrained(dir, { device: 'cpu', ...options });
const key = 'classifier.bias';

test.each([
  ['a truncated file', Buffer.from([1, 2, 3])],
  ['a header length larger than the file', safetensors({}, 0, 1 << 40)],
  ['offsets beyond the data section', safetensors({ [key]: { dtype: 'F32', shape: [5], data_offsets: [0, 20] } }, 8)],
  [
    'overlapping tensors',
    safetensors(
      { [key]: { dtype: 'F32', shape: [5], data_offsets: [0, 20] }, 'fc_norm.bias': { dtype: 'F32', shape: [5], data_offsets: [4, 24] } },
      24,
    ),
  ],
  ['a byte length that does not fit dtype × shape', safetensors({ [key]: { dtype: 'F32', shape: [5], data_offsets: [0, 16] } }, 16)],
  ['an unsupported dtype', safetensors({ [key]: { dtype: 'C64', shape: [5], data_offsets: [0, 40] } }, 40)],
  ['a header that is not JSON', Buffer.concat([Buffer.from([4, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{"a"')])],
])('model.safetensors with %s is ERR_VIDEOMAE_CHECKPOINT', async (_what, content) => {
  await expect(load(folderWith({ 'model.safetensors': content }))).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_CHECKPOINT' });
});

test('a pytorch_model.bin that is not a torch.save state dict is ERR_VIDEOMAE_CHECKPOINT', async () => {
  await expect(load(folderWith({ 'pytorch_model.bin': 'not a zip at all' }))).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_CHECKPOINT' });
});

test('a folder without config.json is ERR_VIDEOMAE_IO naming config.json', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-empty-'));
  await expect(load(dir)).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_IO', message: expect.stringContaining('config.json') });
});

test('a different label count needs ignoreMismatchedSizes and is then reported', async () => {
  await expect(load(tinyFixture, { numLabels: 3 })).rejects.toMatchObject({
    code: 'ERR_VIDEOMAE_CHECKPOINT',
    message: expect.stringContaining('ignoreMismatchedSizes'),
  });
  const model = await load(tinyFixture, { numLabels: 3, ignoreMismatchedSizes: true });
  expect(model.loadReport.mismatchedKeys.map((m) => m.key).sort()).toEqual(['classifier.bias', 'classifier.weight']);
  expect(model.loadReport.mismatchedKeys.find((m) => m.key === 'classifier.weight')).toMatchObject({
    checkpointShape: [5, 48],
    modelShape: [3, 48],
  });
  expect(model.config.id2label).toEqual({ 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' });
  model.dispose();
});

describe('bad input to a loaded model', () => {
  let model: VideoMAEForVideoClassification;
  beforeAll(async () => {
    model = await load(tinyFixture);
  });
  afterAll(() => model.dispose());
  const good = () => ({ data: new Float32Array(2 * 4 * 3 * 32 * 32), shape: [2, 4, 3, 32, 32] });

  test('wrong pixelValues shape or dtype is ERR_VIDEOMAE_INVALID_ARG', async () => {
    await expect(
      model.forward({ pixelValues: { data: new Float32Array(4 * 3 * 32 * 32), shape: [1, 4, 3, 32, 32].slice(1) } }),
    ).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
    await expect(
      model.forward({ pixelValues: { data: new Float32Array(2 * 4 * 3 * 24 * 24), shape: [2, 4, 3, 24, 24] } }),
    ).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG', message: expect.stringContaining('does not match') });
    await expect(
      model.forward({ pixelValues: { data: new Uint8Array(10) as unknown as Float32Array, shape: [10] } }),
    ).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
  });

  test('NaN pixels are reported as ERR_VIDEOMAE_MODEL', async () => {
    const input = good();
    input.data[17] = NaN;
    await expect(model.forward({ pixelValues: input })).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_MODEL',
      message: expect.stringContaining('NaN'),
    });
  });

  test('labels out of range are ERR_VIDEOMAE_INVALID_ARG', async () => {
    await expect(model.forward({ pixelValues: good(), labels: [0, 7] })).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
  });

  test('a second operation while one is in flight is ERR_VIDEOMAE_BUSY', async () => {
    const first = model.forward({ pixelValues: good() });
    await expect(model.forward({ pixelValues: good() })).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_BUSY' });
    await first;
  });
});

test('CUDA requested without CUDA is ERR_VIDEOMAE_DEVICE; dispose is idempotent and use after it ERR_VIDEOMAE_CLOSED', async () => {
  const { info } = await import('../../lib/info');
  if (!info().cuda.available) await expect(load(tinyFixture, { device: 'cuda' })).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_DEVICE' });
  const model = await load(tinyFixture);
  model.dispose();
  model.dispose();
  expect(() => model.numParameters()).toThrow(expect.objectContaining({ code: 'ERR_VIDEOMAE_CLOSED' }));
});
