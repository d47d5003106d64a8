import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readTree, writeTree, writeTreeAtomically } from '../../src/synth';

/** The `fs` module object itself (the namespace import above is a read-only view of it), for spying. */
const fsModule: typeof fs = jest.requireActual('fs');

let tmp: string;
let out: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'write-test-'));
  out = path.join(tmp, 'dist');
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Inode and mtime of every file under `dir`, to tell a file left alone from one rewritten. */
function identities(dir: string): Map<string, string> {
  return new Map([...readTree(dir).keys()].map((rel) => {
    const stat = fs.statSync(path.join(dir, rel));
    return [rel, `${stat.ino}@${stat.mtimeMs}`];
  }));
}

/** Every directory under `dir`, relative. */
function directories(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => {
      const child = rel ? `${rel}/${e.name}` : e.name;
      return [child, ...directories(dir, child)];
    });
}

const initial = new Map([
  ['dev/web/deployment.yaml', 'kind: Deployment\n'],
  ['dev/web/service.yaml', 'kind: Service\n'],
  ['dev/old/deployment.yaml', 'kind: Deployment\nname: old\n'],
  ['prod/web/deployment.yaml', 'kind: Deployment\nreplicas: 3\n'],
  ['prod/PROVENANCE.json', '{}\n'],
]);

/** `initial` with one file changed, one app removed and one added in a new nested directory. */
const next = new Map([
  ['dev/web/deployment.yaml', 'kind: Deployment\nimage: web:2\n'],
  ['dev/web/service.yaml', 'kind: Service\n'],
  ['dev/api/v1/deployment.yaml', 'kind: Deployment\nname: api\n'],
  ['prod/web/deployment.yaml', 'kind: Deployment\nreplicas: 3\n'],
  ['prod/PROVENANCE.json', '{}\n'],
]);

describe('writeTreeAtomically, first write', () => {
  test('writes every file when the output directory is missing', () => {
    expect(writeTreeAtomically(out, initial)).toEqual({ written: 5, unchanged: 0, removed: 0 });
    expect(readTree(out)).toEqual(initial);
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test('writes every file into an empty output directory', () => {
    fs.mkdirSync(out);
    expect(writeTreeAtomically(out, initial)).toEqual({ written: 5, unchanged: 0, removed: 0 });
    expect(readTree(out)).toEqual(initial);
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test('an empty tree leaves an empty output directory', () => {
    writeTreeAtomically(out, initial);
    expect(writeTreeAtomically(out, new Map())).toEqual({ written: 0, unchanged: 0, removed: 5 });
    expect(fs.readdirSync(out)).toEqual([]);
  });
});

describe('writeTreeAtomically, over an existing tree', () => {
  test('identical content leaves every file alone: same inode and mtime, nothing written', () => {
    writeTreeAtomically(out, initial);
    const before = identities(out);
    expect(writeTreeAtomically(out, new Map(initial))).toEqual({ written: 0, unchanged: 5, removed: 0 });
    expect(identities(out)).toEqual(before);
    expect(readTree(out)).toEqual(initial);
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test('changes, adds and removes only what differs, and prunes the emptied directory', () => {
    writeTreeAtomically(out, initial);
    const before = identities(out);
    expect(writeTreeAtomically(out, next)).toEqual({ written: 2, unchanged: 3, removed: 1 });
    expect(readTree(out)).toEqual(next);
    expect(fs.existsSync(path.join(out, 'dev', 'old'))).toBe(false);
    expect(directories(out).sort()).toEqual(['dev', 'dev/api', 'dev/api/v1', 'dev/web', 'prod', 'prod/web']);
    const after = identities(out);
    for (const untouched of ['dev/web/service.yaml', 'prod/web/deployment.yaml', 'prod/PROVENANCE.json']) {
      expect(after.get(untouched)).toEqual(before.get(untouched));
    }
    expect(after.get('dev/web/deployment.yaml')).not.toEqual(before.get('dev/web/deployment.yaml'));
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test('compares bytes, not decoded text: invalid UTF-8 on disk is rewritten', () => {
    writeTreeAtomically(out, new Map([['a.yaml', 'x']]));
    fs.writeFileSync(path.join(out, 'a.yaml'), Buffer.from([0xff, 0x0a]));
    expect(fs.readFileSync(path.join(out, 'a.yaml'), 'utf8')).toBe('\uFFFD\n');
    expect(writeTreeAtomically(out, new Map([['a.yaml', '\uFFFD\n']]))).toEqual({ written: 1, unchanged: 0, removed: 0 });
    expect(fs.readFileSync(path.join(out, 'a.yaml'))).toEqual(Buffer.from('\uFFFD\n'));
  });

  test('compares every byte: a longer or shorter file, a one-byte change, multi-byte characters, files larger than the read buffers', () => {
    const big = 'x'.repeat(200_000);
    const wide = 'é'.repeat(70_000); // 140,000 bytes: more than its 70,000 characters, and than the first buffers
    const huge = `${'€'.repeat(300_000)}a`; // past the reused buffers' limit
    const wanted = new Map([
      ['same.yaml', 'a: é€😀\n'], ['longer.yaml', 'a: 1\n'], ['shorter.yaml', 'a: 12\n'], ['byte.yaml', 'a: é\n'],
      ['big.yaml', big], ['big-end.yaml', `${big}a`], ['empty.yaml', ''],
      ['wide.yaml', wide], ['wide-prefix.yaml', wide], ['huge.yaml', huge], ['huge-end.yaml', huge],
    ]);
    writeTreeAtomically(out, wanted);
    fs.writeFileSync(path.join(out, 'longer.yaml'), 'a: 1\n\n');
    fs.writeFileSync(path.join(out, 'shorter.yaml'), 'a: 1\n');
    fs.writeFileSync(path.join(out, 'byte.yaml'), Buffer.from('a: è\n'));
    fs.writeFileSync(path.join(out, 'big-end.yaml'), `${big}b`);
    fs.writeFileSync(path.join(out, 'wide-prefix.yaml'), Buffer.from(wide).subarray(0, 70_000));
    fs.writeFileSync(path.join(out, 'huge-end.yaml'), `${huge.slice(0, -1)}b`);
    const before = identities(out);
    expect(writeTreeAtomically(out, wanted)).toEqual({ written: 6, unchanged: 5, removed: 0 });
    expect(readTree(out)).toEqual(wanted);
    const after = identities(out);
    for (const same of ['same.yaml', 'big.yaml', 'empty.yaml', 'wide.yaml', 'huge.yaml']) expect(after.get(same)).toEqual(before.get(same));
  });

  test('a name that turns from file into directory, and from directory into file', () => {
    writeTreeAtomically(out, new Map([['a', 'file'], ['b/x.yaml', 'x'], ['b/y/z.yaml', 'z'], ['keep.yaml', 'k']]));
    const files = new Map([['a/inner.yaml', 'now a directory'], ['b', 'now a file'], ['keep.yaml', 'k']]);
    expect(writeTreeAtomically(out, files)).toEqual({ written: 2, unchanged: 1, removed: 3 });
    expect(readTree(out)).toEqual(files);
  });

  test('stray empty directories and non-rendered files inside the output directory are removed', () => {
    writeTreeAtomically(out, initial);
    fs.mkdirSync(path.join(out, 'empty', 'deeper'), { recursive: true });
    fs.writeFileSync(path.join(out, 'dev', 'web', 'notes.txt'), 'hand-written');
    expect(writeTreeAtomically(out, initial)).toEqual({ written: 0, unchanged: 5, removed: 1 });
    expect(readTree(out)).toEqual(initial);
    expect(fs.existsSync(path.join(out, 'empty'))).toBe(false);
  });

  test('links are replaced or removed, never followed: what they point to is untouched', () => {
    const outside = path.join(tmp, 'outside');
    writeTree(outside, new Map([['target.yaml', 'outside file'], ['folder/inner.yaml', 'outside folder']]));
    writeTreeAtomically(out, new Map([['a.yaml', 'a'], ['keep.yaml', 'k']]));
    fs.rmSync(path.join(out, 'a.yaml'));
    fs.symlinkSync(path.join(outside, 'target.yaml'), path.join(out, 'a.yaml'));
    fs.symlinkSync(path.join(outside, 'folder'), path.join(out, 'linked-folder'));
    fs.symlinkSync(path.join(outside, 'target.yaml'), path.join(out, 'same-content.yaml'));

    const files = new Map([['a.yaml', 'a'], ['keep.yaml', 'k'], ['same-content.yaml', 'outside file']]);
    expect(writeTreeAtomically(out, files)).toEqual({ written: 2, unchanged: 1, removed: 1 });
    expect(readTree(out)).toEqual(files);
    for (const rel of ['a.yaml', 'same-content.yaml']) expect(fs.lstatSync(path.join(out, rel)).isFile()).toBe(true);
    expect(fs.existsSync(path.join(out, 'linked-folder'))).toBe(false);
    expect(readTree(outside)).toEqual(new Map([['target.yaml', 'outside file'], ['folder/inner.yaml', 'outside folder']]));
  });

  test('an output directory that is a link is replaced by a real one, its target untouched', () => {
    const elsewhere = path.join(tmp, 'elsewhere');
    writeTree(elsewhere, new Map([['a.yaml', 'elsewhere']]));
    fs.symlinkSync(elsewhere, out);
    writeTreeAtomically(out, new Map([['a.yaml', 'new']]));
    expect(fs.lstatSync(out).isDirectory()).toBe(true);
    expect(readTree(out)).toEqual(new Map([['a.yaml', 'new']]));
    expect(readTree(elsewhere)).toEqual(new Map([['a.yaml', 'elsewhere']]));
  });
});

describe('writeTreeAtomically, failures before the commit', () => {
  test.each([
    ['a path outside the output directory', new Map([['dev/new.yaml', 'x'], ['../escape.yaml', 'y']]), /outside the output directory/],
    ['an absolute path', new Map([['/etc/escape.yaml', 'y']]), /outside the output directory/],
    ['a path with an empty segment', new Map([['dev//web.yaml', 'y']]), /empty or "." segment/],
    ['a name that is both file and directory', new Map([['dev/web', 'y'], ['dev/web/a.yaml', 'z']]), /both a file and a directory/],
  ])('%s leaves the output directory exactly as it was and nothing beside it', (_, files, message) => {
    writeTreeAtomically(out, initial);
    const before = identities(out);
    expect(() => writeTreeAtomically(out, files)).toThrow(message);
    expect(identities(out)).toEqual(before);
    expect(readTree(out)).toEqual(initial);
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test('a failure to commit the journal leaves the output directory as it was and no scratch entries', () => {
    writeTreeAtomically(out, initial);
    const before = identities(out);
    jest.spyOn(fsModule, 'renameSync').mockImplementation(() => {
      throw new Error('cannot rename');
    });
    expect(() => writeTreeAtomically(out, next)).toThrow('cannot rename');
    jest.restoreAllMocks();
    expect(identities(out)).toEqual(before);
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test('a failure while staging leaves the output directory as it was and no scratch entries', () => {
    writeTreeAtomically(out, initial);
    const before = identities(out);
    const write = fs.writeFileSync;
    let calls = 0;
    jest.spyOn(fsModule, 'writeFileSync').mockImplementation((...args: Parameters<typeof fs.writeFileSync>) => {
      if (++calls === 2) throw new Error('disk full');
      return write(...args);
    });
    expect(() => writeTreeAtomically(out, next)).toThrow('disk full');
    jest.restoreAllMocks();
    expect(identities(out)).toEqual(before);
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });
});
