import { spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  LOCK_FILE, Repository, SCRATCH_DIR, TransactionError, readTree, recoverInterruptedWrite, withRepository, writeTree, writeTreeAtomically,
} from '../../src/synth';

/** The `fs` module object itself (the namespace import is a read-only view of it), for spying. */
const fsModule: typeof fs = jest.requireActual('fs');

let root: string;
let dist: string;
const notices: string[] = [];
const notice = (m: string) => notices.push(m);
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'transaction-test-'));
  dist = path.join(root, 'dist');
  notices.length = 0;
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(root, { recursive: true, force: true });
});

const initial = new Map([
  ['dev/web/deployment.yaml', 'kind: Deployment\n'],
  ['dev/web/service.yaml', 'kind: Service\n'],
  ['dev/old/deployment.yaml', 'kind: Deployment\nname: old\n'],
  ['prod/web/deployment.yaml', 'kind: Deployment\nreplicas: 3\n'],
]);
/** `initial` with one file changed, one app removed and one added: renames 2 staged files, removes 1 directory. */
const next = new Map([
  ['dev/web/deployment.yaml', 'kind: Deployment\nimage: web:2\n'],
  ['dev/web/service.yaml', 'kind: Service\n'],
  ['dev/api/v1/deployment.yaml', 'kind: Deployment\nname: api\n'],
  ['prod/web/deployment.yaml', 'kind: Deployment\nreplicas: 3\n'],
]);
const RELEASE = 'environments/releases/prod.json';

function promoteLike(tree: ReadonlyMap<string, string>, release: string): void {
  withRepository(root, { purpose: 'promote web --to prod', onNotice: notice }, (r) => r.write({ trees: new Map([['dist', tree]]), files: new Map([[RELEASE, release]]) }));
}

/**
 * Runs `write` with `fs.renameSync` failing (as a kill would stop it) at its
 * `at`-th call: rename 1 commits the journal, the next ones apply it. Leaves
 * what a process killed there leaves, but for the lock, which a kill releases too.
 */
function interrupted(at: number, write: () => void): void {
  const rename = fs.renameSync;
  let calls = 0;
  jest.spyOn(fsModule, 'renameSync').mockImplementation((from, to) => {
    if (++calls === at) throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO', syscall: 'rename', path: String(from), dest: String(to) });
    rename(from, to);
  });
  expect(write).toThrow(TransactionError);
  jest.restoreAllMocks();
}

const leftovers = () => fs.readdirSync(root).filter((e) => e !== 'dist' && e !== 'environments').sort();
const release = () => fs.readFileSync(path.join(root, RELEASE), 'utf8');

beforeEach(() => {
  writeTree(dist, initial);
  writeTree(path.join(root, 'environments', 'releases'), new Map([['prod.json', 'v1\n']]));
});

describe('a transaction', () => {
  test('writes what differs and leaves no scratch area and no lock file behind', () => {
    promoteLike(next, 'v2\n');
    expect(readTree(dist)).toEqual(next);
    expect(release()).toBe('v2\n');
    expect(leftovers()).toEqual([]);
  });

  test('a file whose content is unchanged is not written, and nothing at all is staged when nothing differs', () => {
    const mkdir = jest.spyOn(fsModule, 'mkdirSync');
    const stats = withRepository(root, {}, (r) => r.write({ trees: new Map([['dist', initial]]), files: new Map([[RELEASE, 'v1\n']]) }));
    expect(stats.filesWritten).toEqual([]);
    expect(stats.trees.get('dist')).toEqual({ written: 0, unchanged: 4, removed: 0 });
    expect(mkdir).not.toHaveBeenCalled();
  });

  test('refuses two paths of which one is inside the other', () => {
    expect(() => withRepository(root, {}, (r) => r.write({ trees: new Map([['dist', next]]), files: new Map([['dist/x.yaml', 'x']]) })))
      .toThrow(/Nothing was written: refusing to write "dist\/x.yaml" inside "dist"/);
    expect(readTree(dist)).toEqual(initial);
  });
});

describe('a failure says what state the files are in', () => {
  test('before the commit: nothing was written, and it is true', () => {
    const write = fs.writeFileSync;
    jest.spyOn(fsModule, 'writeFileSync').mockImplementation((...args: Parameters<typeof fs.writeFileSync>) => {
      if (String(args[0]).endsWith('deployment.yaml')) throw Object.assign(new Error('ENOSPC: no space left on device, open'), { code: 'ENOSPC', syscall: 'open' });
      return write(...args);
    });
    let error: unknown;
    try {
      promoteLike(next, 'v2\n');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TransactionError);
    expect((error as TransactionError).unchanged).toBe(true);
    expect((error as Error).message).toMatch(/^Nothing was written: could not write \.platform-transaction\/staging\/dist\/dev\/.*deployment\.yaml: no space left on the device \(ENOSPC\)\.$/);
    jest.restoreAllMocks();
    expect(readTree(dist)).toEqual(initial);
    expect(release()).toBe('v1\n');
    expect(leftovers()).toEqual([]);
  });

  test('while applying: which part is applied, why it stopped, and that the next command finishes it', () => {
    let error: unknown;
    const rename = fs.renameSync;
    let calls = 0;
    jest.spyOn(fsModule, 'renameSync').mockImplementation((from, to) => {
      if (++calls === 3) throw Object.assign(new Error('EACCES: permission denied, rename'), { code: 'EACCES', syscall: 'rename' });
      rename(from, to);
    });
    try {
      promoteLike(next, 'v2\n');
    } catch (err) {
      error = err;
    }
    jest.restoreAllMocks();
    expect((error as TransactionError).unchanged).toBe(false);
    expect((error as Error).message).toBe('Writing stopped part-way, after this command had committed its changes: could not rename '
      + '.platform-transaction/staging/dist/dev/api/v1/deployment.yaml onto dist/dev/api/v1/deployment.yaml: permission denied (EACCES). '
      + '2 of its 4 changes are applied, so dist/ and environments/releases/prod.json now mix the old and the new state. '
      + 'The rest is recorded in .platform-transaction/journal.json: the next command that reads or writes this repository '
      + '(npm run synth, check, promote or codeowners) applies it, once the cause is fixed.');
    expect(leftovers()).toEqual([SCRATCH_DIR]);
    recoverInterruptedWrite(dist, { onNotice: notice });
    expect(readTree(dist)).toEqual(next);
    expect(release()).toBe('v2\n');
    expect(leftovers()).toEqual([]);
    expect(notices).toEqual([expect.stringMatching(/^Finished the interrupted `promote web --to prod` \(started .*\): it had committed its changes to dist\/ and environments\/releases\/prod.json; the 2 not yet applied when it stopped are applied now\.$/)]);
  });
});

describe('recovery by the next command', () => {
  // Renames: the journal (1); then the 2 staged files of dist/ and the release file (2, 3, 4).
  test.each([2, 3, 4])('killed at rename %i, after the commit: the release file and dist/ both change', (at) => {
    interrupted(at, () => promoteLike(next, 'v2\n'));
    expect(readTree(dist).get('dev/api/v1/deployment.yaml') !== undefined && release() === 'v2\n').toBe(false);
    recoverInterruptedWrite(dist, { onNotice: notice });
    expect(readTree(dist)).toEqual(next);
    expect(release()).toBe('v2\n');
    expect(fs.existsSync(path.join(dist, 'dev', 'old'))).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  test('killed at the commit: neither changes, and what it staged is discarded', () => {
    interrupted(1, () => promoteLike(next, 'v2\n'));
    // An in-process failure removes its staging; a kill leaves it: put some back.
    writeTree(path.join(root, SCRATCH_DIR, 'staging', 'dist'), new Map([['dev/web/deployment.yaml', 'half-writ']]));
    fs.writeFileSync(path.join(root, SCRATCH_DIR, 'journal.json.tmp'), '{"format":"platform-tr');
    recoverInterruptedWrite(dist, { onNotice: notice });
    expect(readTree(dist)).toEqual(initial);
    expect(release()).toBe('v1\n');
    expect(leftovers()).toEqual([]);
    expect(notices).toEqual(['Discarded what an interrupted command had staged in .platform-transaction/: it stopped before committing its changes, so none of them had been applied.']);
  });

  test('a journal applied completely, killed before it was removed, is safe to apply again', () => {
    const rm = fs.rmSync;
    jest.spyOn(fsModule, 'rmSync').mockImplementation((target, options) => {
      if (String(target).endsWith('journal.json')) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO', syscall: 'unlink' });
      rm(target, options);
    });
    promoteLike(next, 'v2\n');
    jest.restoreAllMocks();
    expect(notices).toEqual([expect.stringMatching(/^Every change was written, but the scratch area .platform-transaction\/ could not be removed/)]);
    recoverInterruptedWrite(dist);
    expect(readTree(dist)).toEqual(next);
    expect(release()).toBe('v2\n');
    expect(leftovers()).toEqual([]);
  });

  test('a name that turns from file into directory and back, killed at each rename, ends in the new tree', () => {
    const before = new Map([['a', 'file'], ['b/x.yaml', 'x'], ['keep.yaml', 'k']]);
    const after = new Map([['a/inner.yaml', 'now a directory'], ['b', 'now a file'], ['keep.yaml', 'k']]);
    for (const at of [2, 3]) {
      fs.rmSync(dist, { recursive: true });
      writeTree(dist, before);
      interrupted(at, () => writeTreeAtomically(dist, after));
      recoverInterruptedWrite(dist);
      expect(readTree(dist)).toEqual(after);
      expect(fs.lstatSync(path.join(dist, 'b')).isFile()).toBe(true);
    }
  });

  test('a first write (no dist/) killed after its commit: the whole tree appears', () => {
    fs.rmSync(dist, { recursive: true });
    interrupted(2, () => writeTreeAtomically(dist, next));
    expect(fs.existsSync(dist)).toBe(false);
    recoverInterruptedWrite(dist);
    expect(readTree(dist)).toEqual(next);
  });

  test('the next write finishes the journal before it compares', () => {
    interrupted(3, () => writeTreeAtomically(dist, next));
    expect(writeTreeAtomically(dist, next)).toEqual({ written: 0, unchanged: 4, removed: 0 });
    expect(leftovers()).toEqual([]);
  });
});

describe('a journal is never applied over a newer tree', () => {
  test.each<[string, () => void, RegExp]>([
    ['a file it changes has a third content', () => fs.writeFileSync(path.join(dist, 'dev/web/deployment.yaml'), 'kind: Deployment\nimage: web:3\n'),
      /dist\/dev\/web\/deployment.yaml has changed since/],
    ['a file it does not touch has changed', () => fs.writeFileSync(path.join(dist, 'prod/web/deployment.yaml'), 'kind: Deployment\nreplicas: 5\n'),
      /files of dist\/ that it does not change have changed since/],
    ['dist/ is gone', () => fs.rmSync(dist, { recursive: true }), /has changed since/],
    ['the release file has another content', () => fs.writeFileSync(path.join(root, RELEASE), 'v3\n'), /environments\/releases\/prod.json has changed since/],
  ])('%s: discarded, said, the files left as they are', (_, change, why) => {
    interrupted(3, () => promoteLike(next, 'v2\n'));
    change();
    const outsideScratch = () => new Map([...readTree(root)].filter(([file]) => !file.startsWith(`${SCRATCH_DIR}/`)));
    const before = outsideScratch();
    recoverInterruptedWrite(dist, { onNotice: notice });
    expect(outsideScratch()).toEqual(before);
    expect(leftovers()).toEqual([]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^Discarded the journal of the interrupted `promote web --to prod` \(started .*\), not applied: /);
    expect(notices[0]).toMatch(why);
    expect(notices[0]).toMatch(/run npm run synth to make dist\/ and environments\/releases\/prod.json what the sources render\.$/);
  });

  test('a journal this version does not write is refused and left for a human', () => {
    fs.mkdirSync(path.join(root, SCRATCH_DIR));
    fs.writeFileSync(path.join(root, SCRATCH_DIR, 'journal.json'), JSON.stringify({ format: 'platform-transaction/1', purpose: 'x', remove: [], put: [{ path: '../../etc/passwd', before: 'absent', after: 'absent' }], trees: [] }));
    expect(() => recoverInterruptedWrite(dist)).toThrow(/journal.json of an interrupted command is not one this version can apply; inspect it/);
    expect(readTree(dist)).toEqual(initial);
    expect(fs.existsSync(path.join(root, SCRATCH_DIR, 'journal.json'))).toBe(true);
  });
});

describe('what an earlier version left', () => {
  test('a tree it moved aside is put back when dist/ is missing; its staging is dropped', () => {
    fs.rmSync(dist, { recursive: true });
    writeTree(path.join(root, '.dist-previous-dist-4242'), new Map([['a.yaml', 'previous']]));
    fs.mkdirSync(path.join(root, '.dist-staging-dist-4242'));
    recoverInterruptedWrite(dist, { onNotice: notice });
    expect(readTree(dist)).toEqual(new Map([['a.yaml', 'previous']]));
    expect(leftovers()).toEqual([]);
    expect(notices).toEqual(['Restored dist/ from .dist-previous-dist-4242, which an earlier version, interrupted, had moved aside.']);
  });

  test('its committed journal cannot be checked against the files, so it is refused', () => {
    fs.writeFileSync(path.join(root, '.dist-journal-dist-4242.json'), '{"version":1,"rename":[],"remove":[]}');
    expect(() => recoverInterruptedWrite(dist)).toThrow(/An earlier version of this tool was interrupted while it applied its journal \.dist-journal-dist-4242\.json/);
  });
});

describe('the lock', () => {
  const LOCKER = `
    const fs = require('fs');
    const { tryLock } = require(${JSON.stringify(require.resolve('fs-native-extensions'))});
    const fd = fs.openSync(process.argv[1], fs.constants.O_RDWR | fs.constants.O_CREAT);
    if (!tryLock(fd)) process.exit(3);
    fs.writeSync(fd, JSON.stringify({ purpose: 'synth', pid: process.pid, host: 'elsewhere', started: 'then' }));
    process.stdout.write('locked\\n');
    setTimeout(() => process.exit(0), Number(process.argv[2]));
  `;
  const children: ChildProcess[] = [];
  afterEach(() => children.forEach((c) => c.kill('SIGKILL')));

  /** A process that holds the lock of `root` for `ms`, as another command would. */
  async function holder(ms: number): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['-e', LOCKER, path.join(root, LOCK_FILE), String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)));
    });
    return child;
  }

  test('a second command refuses after the timeout, naming the holder, and writes nothing', async () => {
    await holder(60_000);
    expect(() => Repository.open(root, { purpose: 'synth', timeoutMs: 0 })).toThrow(
      'Another command is using this repository: `synth` (pid ' + children[0].pid + ' on elsewhere, started then). It holds the lock .platform-transaction.lock '
      + '(the kernel\'s, released when that process ends, even if it is killed), and this command gave up after 0 s; run it again when that one is done '
      + '(PLATFORM_LOCK_TIMEOUT sets the wait, in seconds). Nothing was written.');
  });

  test('a second command waits, saying for what, and goes on when the first is done', async () => {
    await holder(300);
    const waits: string[] = [];
    const repository = Repository.open(root, { purpose: 'synth', timeoutMs: 20_000, onWait: (m) => waits.push(m) });
    repository.close();
    expect(waits).toEqual([expect.stringMatching(/^Waiting for another command to finish with this repository: `synth` \(pid \d+ on elsewhere, started then\)\. Waiting up to 20 s/)]);
    expect(leftovers()).toEqual([]);
  });

  test('a holder killed with SIGKILL holds nothing: the next command goes on at once', async () => {
    const child = await holder(60_000);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    withRepository(root, { timeoutMs: 0, onNotice: notice }, () => undefined);
    expect(leftovers()).toEqual([]);
  });

  test('holds nest in one process: one descriptor, released by the outermost', () => {
    const outer = Repository.open(root, { purpose: 'synth' });
    expect(writeTreeAtomically(dist, next)).toEqual({ written: 2, unchanged: 2, removed: 1 });
    expect(fs.existsSync(path.join(root, LOCK_FILE))).toBe(true);
    outer.close();
    expect(leftovers()).toEqual([]);
  });

  test('what an interrupted command staged is discarded, naming it from the lock file it left', () => {
    fs.writeFileSync(path.join(root, LOCK_FILE), JSON.stringify({ purpose: 'codeowners', pid: 7, host: 'ci', started: 'then' }));
    writeTree(path.join(root, SCRATCH_DIR, 'staging'), new Map([['.github/CODEOWNERS', 'half']]));
    withRepository(root, { onNotice: notice }, () => undefined);
    expect(notices).toEqual(['Discarded what `codeowners` (pid 7 on ci, started then) had staged in .platform-transaction/: it stopped before committing its changes, so none of them had been applied.']);
    expect(leftovers()).toEqual([]);
  });

  test('many locks taken in one process share one listener per signal, so Node never warns', () => {
    const warn = jest.spyOn(process, 'emitWarning');
    const before = process.listenerCount('SIGINT');
    for (let i = 0; i < 12; i++) withRepository(root, { purpose: `synth ${i}` }, () => undefined);
    for (let i = 0; i < 12; i++) writeTreeAtomically(path.join(root, `out-${i}`), initial);
    expect(process.listenerCount('SIGINT')).toBeLessThanOrEqual(Math.max(before, 1));
    expect(warn).not.toHaveBeenCalled();
  });
});
