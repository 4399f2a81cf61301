#!/usr/bin/env node
'use strict';
// Writes the committed seed corpora under fuzz/corpus/<target>/ (each file a few KB at most):
// minimised from the test fixtures where they are too big (the safetensors and pytorch_model.bin
// of test/fixtures/videomae-tiny), small hand-built edge cases, and videos made with the ffmpeg CLI.
//   node fuzz/make-seeds.js [--target name]...   (default: all; ffmpeg needed for video_decoder)
// Deterministic for a given ffmpeg build. The fuzzers' own findings go to build-fuzz/corpus/, not here.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const corpus = path.join(__dirname, 'corpus');
const tiny = path.join(root, 'test', 'fixtures', 'videomae-tiny');
const MAX_SEED = 8 * 1024;

function writeSeeds(target, seeds) {
  const dir = path.join(corpus, target);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(seeds)) {
    const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
    if (bytes.length > MAX_SEED) throw new Error(`seed ${target}/${name} is ${bytes.length} bytes (at most ${MAX_SEED})`);
    fs.writeFileSync(path.join(dir, name), bytes);
  }
  const total = Object.values(seeds).reduce((n, c) => n + Buffer.byteLength(c), 0);
  console.log(`fuzz/corpus/${target}: ${Object.keys(seeds).length} seeds, ${total} bytes`);
}

// ---- safetensors -----------------------------------------------------------------------------

function readSafetensorsFile(file) {
  const bytes = fs.readFileSync(file);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
  const data = bytes.subarray(8 + headerLength);
  return { header, data };
}

// entries: [name, dtype, shape, Buffer]; metadata: object or undefined.
function safetensors(entries, metadata, { pad = true } = {}) {
  const header = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, dtype, shape, data] of entries) {
    header[name] = { dtype, shape, data_offsets: [offset, offset + data.length] };
    offset += data.length;
  }
  let json = JSON.stringify(header);
  if (pad) while (json.length % 8 !== 0) json += ' ';
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([length, Buffer.from(json), ...entries.map((e) => e[3])]);
}

const DTYPE_BYTES = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

function pattern(bytes, seed = 1) {
  const out = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; ++i) out[i] = (i * 37 + seed * 11) & 0xff;
  return out;
}

function safetensorsSeeds() {
  const seeds = {};
  // The fixtures' own files, minimised: their smallest tensors (names, dtypes, shapes and bytes as
  // stored), repacked with compact offsets.
  const sources = [path.join(tiny, 'model.safetensors'), path.join(root, 'test/fixtures/golden/pretraining/model.safetensors')];
  for (const file of sources) {
    if (!fs.existsSync(file)) continue;
    const { header, data } = readSafetensorsFile(file);
    const tensors = Object.entries(header)
      .filter(([name]) => name !== '__metadata__')
      .map(([name, info]) => [name, info.dtype, info.shape, data.subarray(info.data_offsets[0], info.data_offsets[1])])
      .sort((a, b) => a[3].length - b[3].length || (a[0] < b[0] ? -1 : 1));
    const picked = [];
    let bytes = 0;
    for (const t of tensors) {
      if (bytes + t[3].length > 1024 || picked.length >= 6) break;
      picked.push(t);
      bytes += t[3].length;
    }
    const label = path.basename(path.dirname(file));
    seeds[`fixture-${label}.safetensors`] = safetensors(picked, header.__metadata__);
  }
  seeds['every-dtype.safetensors'] = safetensors(
    Object.entries(DTYPE_BYTES).map(([dtype, size], i) => [`t.${dtype.toLowerCase()}`, dtype, [2, 2], pattern(4 * size, i)]),
    { format: 'pt' },
  );
  seeds['empty-and-scalar.safetensors'] = safetensors([
    ['empty', 'F32', [0, 3], Buffer.alloc(0)],
    ['scalar', 'F32', [], pattern(4)],
    ['vector', 'I64', [3], pattern(24)],
  ]);
  seeds['metadata-only.safetensors'] = safetensors([], { format: 'pt', note: 'caf\u00e9 \\"quoted\\"' });
  seeds['unpadded.safetensors'] = safetensors([['w', 'F16', [3, 1], pattern(6)]], undefined, { pad: false });
  // Near two bugs found here (both rejected since): an overlap that an empty tensor hid, and a
  // zero-element shape whose other dimensions overflow the strides.
  seeds['empty-between.safetensors'] = safetensors([
    ['a', 'U8', [16], pattern(16)],
    ['b', 'U8', [0], Buffer.alloc(0)],
    ['c', 'U8', [4], pattern(4)],
  ]);
  seeds['zero-dim.safetensors'] = safetensors([['z', 'F32', [0, 33554432, 33554432], Buffer.alloc(0)]]);
  return seeds;
}

// ---- JSON ----------------------------------------------------------------------------------

function jsonSeeds() {
  // No .json extension: prettier (npm run lint) would reformat the seeds.
  const seeds = {};
  const files = [
    ['videomae-tiny-config', path.join(tiny, 'config.json')],
    ['videomae-tiny-preprocessor', path.join(tiny, 'preprocessor_config.json')],
    ['golden-pretraining-config', path.join(root, 'test/fixtures/golden/pretraining/config.json')],
  ];
  for (const [name, file] of files) if (fs.existsSync(file)) seeds[name] = fs.readFileSync(file);
  const header = fs.readFileSync(path.join(tiny, 'model.safetensors'));
  const text = header.subarray(8, 8 + Number(header.readBigUInt64LE(0))).toString('utf8');
  // The first entries of the fixture's safetensors header (the whole header is ~17 KB).
  const parsed = JSON.parse(text);
  const small = Object.fromEntries(Object.entries(parsed).slice(0, 8));
  seeds['safetensors-header'] = JSON.stringify(small);
  seeds['shard-index'] = JSON.stringify(
    {
      metadata: { total_size: 230400 },
      weight_map: { 'classifier.bias': 'model-00002-of-00002.safetensors', 'videomae.embeddings.x': 'model-00001-of-00002.safetensors' },
    },
    null,
    2,
  );
  seeds['escapes'] = '["\\"\\\\\\/\\b\\f\\n\\r\\t", "\\u00e9\\u4e2d\\ud83d\\ude00", "caf\u00e9", "\\u0000"]';
  seeds['numbers'] = '[0, -0, 1, -1, 3.25, 1e3, 1E-3, 9007199254740993, 1.7976931348623157e308, 5e-324, 123456789012345678901234567890]';
  seeds['literals'] = ' {"a": true, "b": false, "c": null, "d": [], "e": {}, "f": [[[]]], "g": ""} ';
  seeds['nested'] = `${'['.repeat(60)}1${']'.repeat(60)}`;
  return seeds;
}

// ---- pickle (torch.save's data.pkl, protocol 2) ----------------------------------------------

class Pickle {
  constructor() {
    this.parts = [Buffer.from([0x80, 0x02])];
    this.memo = 0;
  }
  raw(...bytes) {
    this.parts.push(Buffer.from(bytes));
    return this;
  }
  put() {
    return this.raw(0x71, this.memo++ & 0xff); // BINPUT
  }
  memoize() {
    this.memo++;
    return this.raw(0x94); // MEMOIZE: the next memo index, as BINPUT counts them
  }
  str(s) {
    const b = Buffer.from(s, 'utf8');
    const n = Buffer.alloc(4);
    n.writeUInt32LE(b.length);
    this.parts.push(Buffer.from('X'), n, b);
    return this.put();
  }
  shortStr(s) {
    const b = Buffer.from(s, 'utf8');
    this.parts.push(Buffer.from([0x8c, b.length]), b);
    return this;
  }
  int(v) {
    if (v > 0x7fffffff || v < -0x80000000) return this.long1(v);
    if (v >= 0 && v < 256) return this.raw(0x4b, v); // BININT1
    if (v >= 0 && v < 65536) return this.raw(0x4d, v & 0xff, v >> 8); // BININT2
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.parts.push(Buffer.from('J'), b); // BININT
    return this;
  }
  long1(v) {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(v));
    this.parts.push(Buffer.from([0x8a, 8]), b);
    return this;
  }
  float(v) {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    this.parts.push(Buffer.from('G'), b);
    return this;
  }
  global(module, name) {
    this.parts.push(Buffer.from(`c${module}\n${name}\n`));
    return this.put();
  }
  tupleOf(values) {
    if (values.length === 0) return this.raw(0x29);
    this.raw(0x28); // MARK
    for (const v of values) this.int(v);
    return this.raw(0x74).put(); // TUPLE
  }
  // torch._utils._rebuild_tensor_v2((storage, type, key, 'cpu', numel), offset, size, stride, False, OrderedDict())
  tensor({ storageType = 'FloatStorage', key = '0', numel, offset = 0, size, stride, parameter = false }) {
    if (parameter) this.global('torch._utils', '_rebuild_parameter').raw(0x28);
    this.global('torch._utils', '_rebuild_tensor_v2');
    this.raw(0x28, 0x28).str('storage').global('torch', storageType).str(key).str('cpu').int(numel).raw(0x74).put().raw(0x51);
    this.int(offset).tupleOf(size).tupleOf(stride).raw(0x89);
    this.global('collections', 'OrderedDict').raw(0x29, 0x52).put().raw(0x74).put().raw(0x52).put();
    if (parameter) this.raw(0x88).global('collections', 'OrderedDict').raw(0x29, 0x52).raw(0x74, 0x52).put();
    return this;
  }
  bytes() {
    return Buffer.concat([...this.parts, Buffer.from('.')]);
  }
}

const W = { numel: 6, size: [2, 3], stride: [3, 1] };
const B = { numel: 6, offset: 3, size: [3], stride: [1] };

function stateDict({ ordered = false, nested = null, parameter = false } = {}) {
  const p = new Pickle();
  if (nested) p.raw(0x7d).put().str(nested); // {nested: ...}
  if (ordered) p.global('collections', 'OrderedDict').raw(0x29, 0x52).put();
  else p.raw(0x7d).put();
  p.raw(0x28);
  p.str('encoder.weight').tensor({ ...W, parameter });
  p.str('encoder.bias').tensor(B);
  p.str('position_ids').tensor({ storageType: 'LongStorage', key: '1', numel: 4, size: [1, 4], stride: [0, 1] });
  p.raw(0x75); // SETITEMS
  if (ordered) p.raw(0x7d).put().str('version').int(1).raw(0x73, 0x62); // _metadata BUILD
  if (nested) p.raw(0x73); // SETITEM
  return p.bytes();
}

function pickleSeeds() {
  const seeds = {};
  const fixtureZip = path.join(tiny, 'pytorch_model.bin');
  const pkl = zipRecord(fs.readFileSync(fixtureZip), /\/data\.pkl$/);
  if (pkl && pkl.length <= MAX_SEED) seeds['fixture-data.pkl'] = pkl;
  seeds['dict.pkl'] = stateDict();
  seeds['ordered-dict-metadata.pkl'] = stateDict({ ordered: true });
  seeds['nested-state-dict.pkl'] = stateDict({ nested: 'state_dict' });
  seeds['parameter.pkl'] = stateDict({ parameter: true });
  // Protocol-4 opcodes torch.save does not write but the unpickler accepts (FRAME, MEMOIZE,
  // SHORT_BINUNICODE), LONG1, BINFLOAT, lists and memo gets.
  const p = new Pickle();
  p.raw(0x95, 0, 0, 0, 0, 0, 0, 0, 0).raw(0x7d).memoize().raw(0x28);
  p.shortStr('a')
    .memoize()
    .tensor({ numel: 6, size: [6], stride: [1] });
  p.shortStr('big').long1(1).memoize();
  p.shortStr('f').float(0.5);
  p.shortStr('l').raw(0x5d, 0x28).int(1).int(2).raw(0x65);
  p.shortStr('self').raw(0x68, 0); // the dict itself (memo 0): a cycle
  p.raw(0x75);
  seeds['proto4-opcodes.pkl'] = p.bytes();
  seeds['model-key.pkl'] = stateDict({ nested: 'model' });
  return seeds;
}

// ---- zip (torch.save's archive) ------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; ++n) {
    let c = n;
    for (let k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// A stored (uncompressed) zip, as torch.save writes: every record under "<top>/".
function zip(records) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of records) {
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, data);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(records.length, 8);
  end.writeUInt16LE(records.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

// The bytes of the first stored record whose name matches, found through the central directory
// (torch.save writes sizes there, not always in the local headers).
function zipRecord(archive, pattern) {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) return null;
  let at = archive.readUInt32LE(end + 16);
  const count = archive.readUInt16LE(end + 10);
  for (let i = 0; i < count; ++i) {
    const method = archive.readUInt16LE(at + 10);
    const size = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const extraLength = archive.readUInt16LE(at + 30);
    const commentLength = archive.readUInt16LE(at + 32);
    const local = archive.readUInt32LE(at + 42);
    const name = archive.subarray(at + 46, at + 46 + nameLength).toString();
    if (method === 0 && pattern.test(name)) {
      const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
      return archive.subarray(start, start + size);
    }
    at += 46 + nameLength + extraLength + commentLength;
  }
  return null;
}

// The fuzzer's "records" mode (first byte odd): <len:1><name><len:2 LE><bytes> repeated.
function recordsInput(records) {
  const parts = [Buffer.from([1])];
  for (const [name, data] of records) {
    const n = Buffer.from(name);
    const len = Buffer.alloc(2);
    len.writeUInt16LE(data.length);
    parts.push(Buffer.from([n.length]), n, len, data);
  }
  return Buffer.concat(parts);
}

function torchBinSeeds() {
  const storages = [
    ['data/0', pattern(24)],
    ['data/1', pattern(32, 2)],
  ];
  const records = [['data.pkl', stateDict()], ['byteorder', Buffer.from('little')], ...storages];
  const archive = (top, extra = []) =>
    Buffer.concat([
      Buffer.from([0]),
      zip([...records.map(([n, d]) => [`${top}/${n}`, d]), [`${top}/version`, Buffer.from('3\n')], ...extra]),
    ]);
  return {
    'archive.bin': archive('archive'),
    'pytorch_model.bin': archive('pytorch_model', [['pytorch_model/.data/serialization_id', Buffer.from('1234567890')]]),
    'records-dict': recordsInput(records),
    'records-ordered': recordsInput([['data.pkl', stateDict({ ordered: true })], ...storages]),
    'records-nested': recordsInput([['data.pkl', stateDict({ nested: 'state_dict' })], ['byteorder', Buffer.from('little')], ...storages]),
  };
}

// ---- videos --------------------------------------------------------------------------------

function videoSeeds() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-fuzz-seeds-'));
  const src = (w, h, frames, rate = 10) => ['-f', 'lavfi', '-i', `testsrc=size=${w}x${h}:rate=${rate}`, '-frames:v', String(frames)];
  const specs = {
    'h264-bframes.mp4': [
      ...src(32, 32, 8),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-bf',
      '2',
      '-g',
      '4',
      '-x264-params',
      'bframes=2:b-adapt=0',
      '-pix_fmt',
      'yuv420p',
    ],
    'h264-rotated.mp4': [
      ...src(32, 16, 4),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-metadata:s:v:0',
      'rotate=90',
    ],
    'mpeg4-bframes.avi': [...src(32, 32, 8), '-c:v', 'mpeg4', '-bf', '2', '-g', '4', '-q:v', '20'],
    'vp9.mkv': [...src(32, 32, 6), '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-b:v', '20k', '-g', '3'],
    'vp8.webm': [...src(32, 32, 6), '-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '20k', '-g', '3'],
    'mpeg2-bframes.mpegts': [...src(32, 32, 8), '-c:v', 'mpeg2video', '-bf', '2', '-g', '4', '-q:v', '20', '-f', 'mpegts'],
    'mpeg2.mpg': [...src(32, 32, 6), '-c:v', 'mpeg2video', '-bf', '2', '-g', '3', '-q:v', '25', '-f', 'vob'],
    'mpeg4-es.m4v': [...src(32, 32, 6), '-c:v', 'mpeg4', '-bf', '1', '-g', '3', '-q:v', '20', '-f', 'm4v'],
    'mjpeg.avi': [...src(16, 16, 3), '-c:v', 'mjpeg', '-q:v', '20', '-pix_fmt', 'yuvj420p'],
    'h264-annexb.h264': [
      ...src(32, 32, 6),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-bf',
      '2',
      '-x264-params',
      'bframes=2:b-adapt=0',
      '-pix_fmt',
      'yuv420p',
      '-f',
      'h264',
    ],
    'hevc.mkv': [...src(32, 32, 4), '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=none', '-pix_fmt', 'yuv420p'],
    'vfr-h264.mkv': [
      ...src(32, 32, 5),
      '-vf',
      'setpts=N*N/TB/10',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-fps_mode',
      'passthrough',
    ],
  };
  const seeds = {};
  try {
    for (const [name, args] of Object.entries(specs)) {
      const file = path.join(dir, name);
      execFileSync('ffmpeg', ['-v', 'error', '-y', ...args, '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact', file], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      seeds[name] = fs.readFileSync(file);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return seeds;
}

const GENERATORS = {
  json: jsonSeeds,
  safetensors: safetensorsSeeds,
  unpickler: pickleSeeds,
  torch_bin: torchBinSeeds,
  video_decoder: videoSeeds,
};

function main() {
  const args = process.argv.slice(2);
  const wanted = [];
  for (let i = 0; i < args.length; ++i) {
    if (args[i] === '--target') wanted.push(args[++i]);
    else throw new Error(`unknown argument ${args[i]} (usage: node fuzz/make-seeds.js [--target name]...)`);
  }
  for (const name of wanted) if (!GENERATORS[name]) throw new Error(`unknown target ${name}: ${Object.keys(GENERATORS).join(', ')}`);
  for (const [name, generate] of Object.entries(GENERATORS)) if (wanted.length === 0 || wanted.includes(name)) writeSeeds(name, generate());
}

if (require.main === module) main();
module.exports = { safetensors, Pickle, stateDict, zip, recordsInput };
