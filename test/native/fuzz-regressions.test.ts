/**
 * Every input the fuzz targets (fuzz/*_fuzzer.cpp) found a bug with, fed through the public API
 * the way an application would meet it: a clean VideomaeError with the stated code, never a crash,
 * a hang or a silently accepted file. The inputs are the minimised fuzzer inputs under
 * test/fixtures/fuzz-regressions/<target>/; manifest.json says for each what was found, where it
 * was fixed, how it reaches the API and what error it must give. Each file also stays a direct
 * input of its fuzz target (build-fuzz/bin/<target>_fuzzer <file>).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VideoReader } from '../../lib';
import { VideoMAEForVideoClassification, readSafetensors } from '../../lib/model';
import { repoRoot, tinyFixture } from './model-helpers';

interface Regression {
  found: string;
  fix: string;
  via: string;
  /** The error code the API must reject with; null: the input must now be handled (resolve). */
  code: string | null;
  message?: string;
  /** unpickler: storages of the archive the pickle is packed into (key → bytes). */
  storages?: Record<string, number>;
  /** With code null, a model load: this key must be reported unexpected (the tensor was read). */
  unexpectedKey?: string;
  /** video_decoder: the getFramesAt requests to make in turn (default: last, first, middle; then first). */
  requests?: number[][];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { zip } = require(path.join(repoRoot, 'fuzz', 'make-seeds.js')) as { zip(records: Array<[string, Buffer]>): Buffer };

const folder = path.join(repoRoot, 'test', 'fixtures', 'fuzz-regressions');
const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8')) as Record<string, Regression>;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-fuzz-regressions-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function safetensorsWithHeader(header: string): Buffer {
  const json = Buffer.from(header);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, Buffer.alloc(4)]);
}

function modelFolder(name: string, files: Record<string, Buffer>): string {
  const model = path.join(dir, name.replace(/[^\w.-]/g, '_'));
  fs.mkdirSync(model, { recursive: true });
  fs.copyFileSync(path.join(tinyFixture, 'config.json'), path.join(model, 'config.json'));
  for (const [file, bytes] of Object.entries(files)) fs.writeFileSync(path.join(model, file), bytes);
  return model;
}

const load = (model: string) => VideoMAEForVideoClassification.fromPretrained(model, { device: 'cpu' });

// How each target's input reaches the public API.
const feeders: Record<string, (name: string, input: Buffer, regression: Regression) => Promise<unknown>> = {
  // A JSON text: the value of a metadata entry of an otherwise valid safetensors header.
  json: (name, input) => {
    const header = `{"__metadata__":{"fuzz":${input.toString('latin1')}},"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`;
    const file = path.join(dir, `${path.basename(name)}.safetensors`);
    fs.writeFileSync(file, safetensorsWithHeader(header));
    return readSafetensors(file);
  },
  safetensors: (name, input) => {
    const file = path.join(dir, `${path.basename(name)}.safetensors`);
    fs.writeFileSync(file, input);
    return readSafetensors(file);
  },
  // A data.pkl stream: packed into a torch.save archive with the storages it names.
  unpickler: (name, input, regression) => {
    const records: Array<[string, Buffer]> = [
      ['archive/data.pkl', input],
      ['archive/byteorder', Buffer.from('little')],
      ['archive/version', Buffer.from('3\n')],
      ...Object.entries(regression.storages ?? {}).map(([key, bytes]): [string, Buffer] => [`archive/data/${key}`, Buffer.alloc(bytes)]),
    ];
    return load(modelFolder(name, { 'pytorch_model.bin': zip(records) }));
  },
  // torch_bin_fuzzer's raw mode: the bytes after the mode byte are the archive.
  torch_bin: (name, input) => load(modelFolder(name, { 'pytorch_model.bin': input.subarray(1) })),
  // A whole video file in memory: open, then the frames the fuzzer asked for, request by request.
  video_decoder: async (_name, input, regression) => {
    const reader = await VideoReader.open(input);
    try {
      const n = reader.metadata.numFrames;
      for (const request of regression.requests ?? [[n - 1, 0, Math.floor(n / 2)], [0]]) {
        await reader.getFramesAt(request, { size: { height: 16, width: 16 } });
      }
    } finally {
      reader.close();
    }
  },
};

test('every file under test/fixtures/fuzz-regressions/ is in manifest.json, and every entry names a file', () => {
  const files = fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => fs.readdirSync(path.join(folder, d.name)).map((f) => `${d.name}/${f}`))
    .sort();
  expect(files).toEqual(Object.keys(manifest).sort());
  for (const name of files) expect(Object.keys(feeders)).toContain(name.split('/')[0]);
});

test.each(Object.entries(manifest).map(([name, regression]) => [name, regression.code ?? 'handled', regression] as const))(
  '%s → %s',
  async (name, _outcome, regression) => {
    const input = fs.readFileSync(path.join(folder, name));
    const outcome = feeders[name.split('/')[0]](name, input, regression);
    if (regression.code === null) {
      const result = await outcome;
      if (regression.unexpectedKey) {
        expect((result as VideoMAEForVideoClassification).loadReport.unexpectedKeys).toContain(regression.unexpectedKey);
      }
      return;
    }
    await expect(outcome).rejects.toMatchObject({
      name: 'VideomaeError',
      code: regression.code,
      ...(regression.message ? { message: expect.stringContaining(regression.message) } : {}),
    });
  },
  30_000,
);

test('a pickle nested 1,000,000 lists deep is a clean ERR_VIDEOMAE_CHECKPOINT, not a stack overflow', async () => {
  // Made here (2 MB): PROTO 2, EMPTY_LIST × n, APPEND × (n - 1), STOP. The unpickler freed such
  // nesting recursively (restricted_unpickler.cpp, see unpickler/dict-holding-itself.pkl in manifest.json).
  const n = 1_000_000;
  const pickle = Buffer.concat([Buffer.from([0x80, 2]), Buffer.alloc(n, ']'), Buffer.alloc(n - 1, 'a'), Buffer.from('.')]);
  const records: Array<[string, Buffer]> = [
    ['archive/data.pkl', pickle],
    ['archive/byteorder', Buffer.from('little')],
    ['archive/version', Buffer.from('3\n')],
  ];
  await expect(load(modelFolder('deep-nesting', { 'pytorch_model.bin': zip(records) }))).rejects.toMatchObject({
    code: 'ERR_VIDEOMAE_CHECKPOINT',
    message: expect.stringContaining('is not a state dict'),
  });
}, 60_000);
