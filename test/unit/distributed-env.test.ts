import { distributedEnvFromProcess, isDistributed } from '../../lib/distributed/env';
import { workerArgv } from '../../lib/distributed/launcher';
import { VideomaeError } from '../../lib/errors';

/** What torchrun --nproc-per-node 2 --nnodes 2 gives rank 3 (local rank 1 on the second node). */
const TORCHRUN = { MASTER_ADDR: '10.0.0.1', MASTER_PORT: '29400', WORLD_SIZE: '4', RANK: '3', LOCAL_RANK: '1', LOCAL_WORLD_SIZE: '2' };

function parseError(env: NodeJS.ProcessEnv): VideomaeError {
  try {
    distributedEnvFromProcess(env);
  } catch (error) {
    expect(error).toBeInstanceOf(VideomaeError);
    return error as VideomaeError;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('distributedEnvFromProcess', () => {
  it('is null when WORLD_SIZE is unset or empty, whatever else is set', () => {
    expect(distributedEnvFromProcess({})).toBeNull();
    expect(distributedEnvFromProcess({ ...TORCHRUN, WORLD_SIZE: undefined })).toBeNull();
    expect(distributedEnvFromProcess({ ...TORCHRUN, WORLD_SIZE: '' })).toBeNull();
    expect(isDistributed(null)).toBe(false);
  });

  it('reads all six variables as torchrun sets them', () => {
    const env = distributedEnvFromProcess(TORCHRUN);
    expect(env).toEqual({ rank: 3, worldSize: 4, localRank: 1, localWorldSize: 2, masterAddr: '10.0.0.1', masterPort: 29400 });
    expect(isDistributed(env)).toBe(true);
  });

  it('reads process.env by default', () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, TORCHRUN);
      expect(distributedEnvFromProcess()).toMatchObject({ rank: 3, worldSize: 4 });
    } finally {
      for (const key of Object.keys(TORCHRUN)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it('fills in what a world of one can do without: rank 0, 127.0.0.1, port 29500', () => {
    const env = distributedEnvFromProcess({ WORLD_SIZE: '1' });
    expect(env).toEqual({ rank: 0, worldSize: 1, localRank: 0, localWorldSize: 1, masterAddr: '127.0.0.1', masterPort: 29500 });
    expect(isDistributed(env)).toBe(false);
  });

  it('defaults LOCAL_WORLD_SIZE to WORLD_SIZE and LOCAL_RANK to RANK on one node, and empty values count as unset', () => {
    expect(distributedEnvFromProcess({ WORLD_SIZE: '3', RANK: '2', MASTER_ADDR: 'node0', LOCAL_RANK: '', MASTER_PORT: '' })).toEqual({
      rank: 2,
      worldSize: 3,
      localRank: 2,
      localWorldSize: 3,
      masterAddr: 'node0',
      masterPort: 29500,
    });
    expect(distributedEnvFromProcess({ WORLD_SIZE: '4', RANK: '3', LOCAL_WORLD_SIZE: '4', MASTER_ADDR: 'h' })).toMatchObject({
      localRank: 3,
    });
  });

  it('accepts the ends of every range', () => {
    expect(distributedEnvFromProcess({ ...TORCHRUN, RANK: '0', LOCAL_RANK: '0', MASTER_PORT: '1' })).toMatchObject({
      rank: 0,
      localRank: 0,
      masterPort: 1,
    });
    expect(distributedEnvFromProcess({ ...TORCHRUN, MASTER_PORT: '65535', LOCAL_WORLD_SIZE: '4', LOCAL_RANK: '3' })).toMatchObject({
      masterPort: 65535,
      localWorldSize: 4,
      localRank: 3,
    });
    expect(distributedEnvFromProcess({ ...TORCHRUN, WORLD_SIZE: '007', RANK: '06' })).toMatchObject({ worldSize: 7, rank: 6 });
  });

  it.each([
    ['WORLD_SIZE="two" is not a decimal integer', { WORLD_SIZE: 'two' }],
    ['WORLD_SIZE=" 2" is not a decimal integer', { WORLD_SIZE: ' 2' }],
    ['WORLD_SIZE="0x2" is not a decimal integer', { WORLD_SIZE: '0x2' }],
    ['WORLD_SIZE="2.0" is not a decimal integer', { WORLD_SIZE: '2.0' }],
    ['WORLD_SIZE="1e1" is not a decimal integer', { WORLD_SIZE: '1e1' }],
    ['WORLD_SIZE="99999999999999999999" is not a decimal integer', { WORLD_SIZE: '99999999999999999999' }],
    ['WORLD_SIZE=0 is not at least 1', { WORLD_SIZE: '0' }],
    ['WORLD_SIZE=-2 is not at least 1', { WORLD_SIZE: '-2' }],
    ['RANK=2 is not below WORLD_SIZE=2', { RANK: '2' }],
    ['RANK=3 is not below WORLD_SIZE=2', { RANK: '3' }],
    ['RANK=-1 is negative', { RANK: '-1' }],
    ['RANK="one" is not a decimal integer', { RANK: 'one' }],
    ['RANK must be set when WORLD_SIZE=2', { RANK: undefined }],
    ['LOCAL_WORLD_SIZE=0 is not at least 1', { LOCAL_WORLD_SIZE: '0' }],
    ['LOCAL_WORLD_SIZE=3 is above WORLD_SIZE=2', { LOCAL_WORLD_SIZE: '3' }],
    ['LOCAL_RANK=2 is not below LOCAL_WORLD_SIZE=2', { LOCAL_RANK: '2' }],
    ['LOCAL_RANK=-1 is negative', { LOCAL_RANK: '-1' }],
    ['LOCAL_RANK="1.5" is not a decimal integer', { LOCAL_RANK: '1.5' }],
    ['MASTER_ADDR must be set when WORLD_SIZE=2', { MASTER_ADDR: undefined }],
    ['MASTER_ADDR must be set when WORLD_SIZE=2', { MASTER_ADDR: '' }],
    ['MASTER_PORT=0 is not in 1..65535', { MASTER_PORT: '0' }],
    ['MASTER_PORT=65536 is not in 1..65535', { MASTER_PORT: '65536' }],
    ['MASTER_PORT="http" is not a decimal integer', { MASTER_PORT: 'http' }],
  ] as const)('rejects, on a two-process node: %s', (message, change) => {
    const env = {
      MASTER_ADDR: 'localhost',
      MASTER_PORT: '29500',
      WORLD_SIZE: '2',
      RANK: '1',
      LOCAL_RANK: '1',
      LOCAL_WORLD_SIZE: '2',
      ...change,
    };
    const error = parseError(env);
    expect(error.code).toBe('ERR_VIDEOMAE_INVALID_ARG');
    expect(error.message).toBe(`distributed environment: ${message}`);
  });

  it('requires LOCAL_RANK when the node holds only part of the world', () => {
    const error = parseError({ ...TORCHRUN, LOCAL_RANK: undefined });
    expect(error.code).toBe('ERR_VIDEOMAE_INVALID_ARG');
    expect(error.message).toBe('distributed environment: LOCAL_RANK must be set when LOCAL_WORLD_SIZE=2 differs from WORLD_SIZE=4');
  });
});

describe('workerArgv', () => {
  it('drops the launcher flags in both spellings and keeps everything else in order', () => {
    expect(
      workerArgv([
        'train',
        '--nproc-per-node',
        '2',
        'data/',
        '--nnodes=2',
        '--learning-rate',
        '1e-4',
        '--node-rank',
        '1',
        '--master-addr=10.0.0.1',
        '--master-port',
        '29400',
        '--output-dir',
        'out',
      ]),
    ).toEqual(['train', 'data/', '--learning-rate', '1e-4', '--output-dir', 'out']);
  });

  it('leaves look-alike flags, values equal to a flag name, and everything after -- alone', () => {
    expect(workerArgv(['--nproc-per-node-x', '1', '--nnodes2', '--master-port-file', 'p'])).toEqual([
      '--nproc-per-node-x',
      '1',
      '--nnodes2',
      '--master-port-file',
      'p',
    ]);
    // The value of --output-dir happens to spell a launcher flag: it is still a value.
    expect(workerArgv(['--output-dir=--nnodes', 'x'])).toEqual(['--output-dir=--nnodes', 'x']);
    expect(workerArgv(['a', '--nnodes', '2', '--', '--nnodes', '3', '--master-port=1'])).toEqual([
      'a',
      '--',
      '--nnodes',
      '3',
      '--master-port=1',
    ]);
  });

  it('copies, and drops a trailing flag whose value is missing', () => {
    const argv = ['x', '--node-rank'];
    expect(workerArgv(argv)).toEqual(['x']);
    expect(argv).toEqual(['x', '--node-rank']);
    expect(workerArgv([])).toEqual([]);
  });
});
