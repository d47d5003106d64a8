import * as fs from 'fs';
import * as path from 'path';
import { Project, Run, pidNamespacesWork, straceWorks, waitFor, whichState } from './support';
import { SCRATCH_DIR } from '../../src/synth';

/**
 * Commands at the same time, a journal older than the tree, and pid
 * namespaces. A command is held in the middle of its write with strace's
 * delay injection (`delay_enter` on a rename), so the others meet it there.
 */
jest.setTimeout(600_000);
const describeWithStrace = straceWorks() ? describe : describe.skip;
const testWithNamespaces = straceWorks() && pidNamespacesWork() ? test : test.skip;
if (!straceWorks()) test('strace can inject faults here (the fault tier needs Linux, strace and the right to trace)', () => expect(straceWorks()).toBe(true));

let project: Project;
let journal: string;
let staged: string;
beforeAll(() => {
  project = new Project();
  journal = path.join(project.dir, SCRATCH_DIR, 'journal.json');
  staged = path.join(project.dir, SCRATCH_DIR, 'journal.json.tmp');
});
afterAll(() => project?.remove());

const PROMOTE = ['storefront-web', '--to', 'prod'];
/**
 * Holds a command at its Nth rename for 12 s: long enough for a second
 * command to start (node and tsx take several seconds on a loaded 2-core CI
 * machine; at 4 s the first had sometimes finished before the second looked).
 */
const HOLD = (at: string) => ({ at, action: 'delay_enter=12000000' });

function expectOk(run: Run): void {
  expect({ code: run.code, signal: run.signal, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, signal: null, stderr: expect.any(String) });
}

/** A dist/ a synth has one file to write in. */
const stale = () => project.write('dist/dev/PROVENANCE.json', '{}\n');

describeWithStrace('two commands at once', () => {
  let renames: string[];
  let synthRenames: string[];
  let states: Record<string, Map<string, string>>;
  beforeAll(async () => {
    synthRenames = await project.transactionRenames('synth', [], stale);
    renames = await project.transactionRenames('promote', PROMOTE);
    project.restore();
    const old = project.state();
    expectOk(await project.run('promote', PROMOTE));
    states = { old, promoted: project.state() };
  });

  test('two synths: the second refuses at once with PLATFORM_LOCK_TIMEOUT=0, naming the first, and writes nothing', async () => {
    project.restore();
    stale();
    const first = project.run('synth', [], { inject: HOLD(synthRenames[0]) });
    await waitFor(staged, first);
    const second = await project.run('synth', [], { env: { PLATFORM_LOCK_TIMEOUT: '0' } });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/^Another command is using this repository: `synth` \(pid \d+ on .*\)\. It holds the lock \.platform-transaction\.lock .* gave up after 0 s/m);
    expect(second.stdout).toBe('');
    expectOk(await first);
    expect(project.leftovers()).toEqual([]);
  });

  test('two synths: the second waits, saying for what, then finds nothing to write', async () => {
    project.restore();
    stale();
    const first = project.run('synth', [], { inject: HOLD(synthRenames[0]) });
    await waitFor(staged, first);
    const second = await project.run('synth');
    const firstRun = await first;
    expectOk(firstRun);
    expectOk(second);
    expect(second.stderr).toMatch(/^Waiting for another command to finish with this repository: `synth` \(pid \d+ on .*\)\. Waiting up to 120 s/m);
    expect(firstRun.stdout).toMatch(/\(1 written, \d+ unchanged, 0 removed\)/);
    expect(second.stdout).toMatch(/\(0 written, \d+ unchanged, 0 removed\)/);
    expect(project.leftovers()).toEqual([]);
  });

  test('a check while a promote applies its journal waits for it, never applies the journal itself, and then passes', async () => {
    project.restore();
    const promote = project.run('promote', PROMOTE, { inject: HOLD(renames[1]) });
    await waitFor(journal, promote);
    const check = await project.run('check');
    const promoted = await promote;
    expectOk(promoted);
    expect(check.stderr).toMatch(/^Waiting for another command to finish with this repository: `promote storefront-web --to prod`/m);
    expect(check.stderr).not.toMatch(/Finished the interrupted/);
    expect(check.code).toBe(0);
    expect(whichState(project.state(), states)).toBe('promoted');
    expect(project.leftovers()).toEqual([]);
  });
});

describeWithStrace('a journal older than the tree', () => {
  test('is discarded, not applied over the newer tree, and said', async () => {
    const renames = await project.transactionRenames('promote', PROMOTE);
    // The newer tree: what a promotion of every app renders (as a checkout of a newer commit would bring).
    project.restore();
    expectOk(await project.run('promote', ['--all', '--to', 'prod']));
    const newer = project.state();
    const newerFiles = new Map([...newer].filter(([file]) => file.startsWith('dist/') || file.startsWith('environments/')));
    // A promote killed half-way through applying its journal...
    project.restore();
    const killed = await project.run('promote', PROMOTE, { inject: { at: renames[2] ?? renames[1], action: 'signal=KILL' } });
    expect(killed.signal).toBe('SIGKILL');
    expect(fs.existsSync(journal)).toBe(true);
    // ...then the files are replaced by the newer tree, outside our commands.
    fs.rmSync(path.join(project.dir, 'dist'), { recursive: true });
    for (const [file, text] of newerFiles) {
      fs.mkdirSync(path.dirname(path.join(project.dir, file)), { recursive: true });
      fs.writeFileSync(path.join(project.dir, file), text);
    }
    const check = await project.run('check');
    expect(check.stderr).toMatch(/^Discarded the journal of the interrupted `promote storefront-web --to prod` \(started .*\), not applied: .* has changed since/m);
    expect(check.code).toBe(0);
    expect(whichState(project.state(), { newer })).toBe('newer');
    expect(project.leftovers()).toEqual([]);
  });
});

describe('pid namespaces', () => {
  testWithNamespaces('a journal left by a command killed in one pid namespace is finished by a check in another', async () => {
    const renames = await project.transactionRenames('promote', PROMOTE);
    project.restore();
    const old = project.state();
    expectOk(await project.run('promote', PROMOTE));
    const promoted = project.state();
    project.restore();
    const killed = await project.run('promote', PROMOTE, { inject: { at: renames[1], action: 'signal=KILL' }, pidNamespace: true });
    expect(killed.code === 137 || killed.signal === 'SIGKILL').toBe(true);
    expect(fs.existsSync(journal)).toBe(true);
    const check = await project.run('check', [], { pidNamespace: true });
    expect(check.stderr).toMatch(/^Finished the interrupted `promote storefront-web --to prod`/m);
    expect(check.code).toBe(0);
    expect(whichState(project.state(), { old, promoted })).toBe('promoted');
    expect(project.leftovers()).toEqual([]);
  });

  testWithNamespaces('a synth in one pid namespace holds off a synth in another, though each may have the same pid', async () => {
    const renames = await project.transactionRenames('synth', [], stale);
    project.restore();
    stale();
    const first = project.run('synth', [], { inject: HOLD(renames[0]), pidNamespace: true });
    await waitFor(staged, first);
    const second = await project.run('synth', [], { pidNamespace: true, env: { PLATFORM_LOCK_TIMEOUT: '0' } });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/^Another command is using this repository: `synth`/m);
    expectOk(await first);
    expect(project.leftovers()).toEqual([]);
  });
});
