import { Project, Run, seeded, straceWorks, whichState } from './support';

/**
 * Each writing command killed at each of its renames (strace), interrupted
 * with SIGINT there, failed there with EACCES or EROFS, and killed at random
 * moments: after the next command, the files are exactly the old or the new
 * ones — the release file and dist/ together — `npm run check` agrees, and
 * no scratch entry, temporary file or lock file is left.
 */
jest.setTimeout(600_000);
const describeWithStrace = straceWorks() ? describe : describe.skip;
if (!straceWorks()) test('strace can inject faults here (the fault tier needs Linux, strace and the right to trace)', () => expect(straceWorks()).toBe(true));

let project: Project;
beforeAll(() => {
  project = new Project();
});
afterAll(() => project?.remove());

const PROMOTE = ['storefront-web', '--to', 'prod'];

/** The repository before and after a promotion of storefront-web to prod. */
async function promoteStates(): Promise<{ old: Map<string, string>; promoted: Map<string, string> }> {
  project.restore();
  const old = project.state();
  expectOk(await project.run('promote', PROMOTE));
  const promoted = project.state();
  project.restore();
  return { old, promoted };
}

function expectOk(run: Run): void {
  expect({ code: run.code, signal: run.signal, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
}

/** What every scenario ends with: the next command (check) passes, nothing is left over. */
async function expectCheckPasses(): Promise<void> {
  const check = await project.run('check');
  expect({ code: check.code, stderr: check.code === 0 ? '' : `${check.stdout}\n${check.stderr}` }).toEqual({ code: 0, stderr: '' });
  expect(project.leftovers()).toEqual([]);
}

describeWithStrace('promote', () => {
  let states: { old: Map<string, string>; promoted: Map<string, string> };
  let renames: string[];
  beforeAll(async () => {
    states = await promoteStates();
    renames = await project.transactionRenames('promote', PROMOTE);
  });

  test('renames its journal into place, then each changed file of dist/ and the release file', () => {
    expect(renames.length).toBeGreaterThanOrEqual(3);
  });

  test('killed (SIGKILL) at each of its renames: after the next command, the release file and dist/ are both old or both new', async () => {
    const outcomes: string[] = [];
    for (const [i, at] of renames.entries()) {
      project.restore();
      const killed = await project.run('promote', PROMOTE, { inject: { at: at, action: 'signal=KILL' } });
      expect(killed.signal).toBe('SIGKILL');
      await expectCheckPasses();
      const state = whichState(project.state(), states);
      expect({ rename: i + 1, state }).toEqual({ rename: i + 1, state: i === 0 ? 'old' : 'promoted' });
      outcomes.push(state!);
    }
    // Killed at the commit: nothing; killed after it: everything.
    expect(outcomes[0]).toBe('old');
  });

  test('interrupted (SIGINT) at each of its renames: it finishes writing, then ends by the signal, lock released', async () => {
    for (const at of renames) {
      project.restore();
      const run = await project.run('promote', PROMOTE, { inject: { at: at, action: 'signal=INT' } });
      expect({ at, signal: run.signal, code: run.code }).toEqual({ at, signal: 'SIGINT', code: null });
      expect(project.leftovers()).toEqual([]);
      expect(whichState(project.state(), states)).toBe('promoted');
    }
  });

  test('EACCES at a rename after the commit: the message says what is applied and what the next command does; the next command finishes it', async () => {
    project.restore();
    const run = await project.run('promote', PROMOTE, { inject: { at: renames[1], action: 'error=EACCES' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Promotion failed: Writing stopped part-way, after this command had committed its changes: could not rename \S+ onto \S+: permission denied \(EACCES\)\. \d+ of its \d+ changes are applied, so dist\/ and environments\/releases\/prod.json now mix the old and the new state\. The rest is recorded in \.platform-transaction\/journal\.json: the next command that reads or writes this repository \(npm run synth, check, promote or codeowners\) applies it, once the cause is fixed\.$/m);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    await expectCheckPasses();
    expect(whichState(project.state(), states)).toBe('promoted');
  });

  test('EROFS at the commit: "nothing was changed", and it is true', async () => {
    project.restore();
    const run = await project.run('promote', PROMOTE, { inject: { at: renames[0], action: 'error=EROFS' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Promotion failed: Nothing was written: could not commit the journal: rename it to \.platform-transaction\/journal\.json: read-only file system \(EROFS\)\.$/m);
    expect(project.leftovers()).toEqual([]);
    expect(whichState(project.state(), states)).toBe('old');
  });

  test('killed at 8 moments drawn with a fixed seed: both old or both new after the next command', async () => {
    project.restore();
    const { ms } = await project.run('promote', PROMOTE);
    const random = seeded(19);
    for (let i = 0; i < 8; i++) {
      project.restore();
      const after = Math.floor(random() * ms * 1.2);
      await project.run('promote', PROMOTE, { killAfterMs: after });
      await expectCheckPasses();
      expect({ after, state: whichState(project.state(), states) }).toEqual({ after, state: expect.stringMatching(/^(old|promoted)$/) });
    }
  });
});

describeWithStrace('synth', () => {
  let renames: string[];
  let fresh: Map<string, string>;
  /** A dist/ a synth has work in: an app's files deleted, one edited, a stray added. */
  const damage = () => {
    project.write('dist/dev/apps/storefront-web/service-storefront-web.yaml', 'edited by hand\n');
    project.write('dist/staging/notes.txt', 'stray\n');
    for (const f of ['dist/prod/PROVENANCE.json']) project.write(f, '{}\n');
  };
  beforeAll(async () => {
    project.restore();
    fresh = project.state();
    renames = await project.transactionRenames('synth', [], damage);
  });

  test('killed at each of its renames: dist/ is exactly the old or the new tree, and the next synth makes it the new one', async () => {
    project.restore();
    damage();
    const damaged = project.state();
    for (const [i, at] of renames.entries()) {
      project.restore();
      damage();
      const killed = await project.run('synth', [], { inject: { at: at, action: 'signal=KILL' } });
      expect(killed.signal).toBe('SIGKILL');
      const check = await project.run('check');
      const state = whichState(project.state(), { damaged, fresh });
      expect({ rename: i + 1, state, check: check.code }).toEqual({ rename: i + 1, state: i === 0 ? 'damaged' : 'fresh', check: i === 0 ? 1 : 0 });
      expect(project.leftovers()).toEqual([]);
      expectOk(await project.run('synth'));
      await expectCheckPasses();
    }
  });

  test('killed at 8 moments drawn with a fixed seed: the old or the new tree, never a mix', async () => {
    project.restore();
    damage();
    const damaged = project.state();
    const { ms } = await project.run('synth');
    const random = seeded(20261207);
    for (let i = 0; i < 8; i++) {
      project.restore();
      damage();
      const after = Math.floor(random() * ms * 1.2);
      await project.run('synth', [], { killAfterMs: after });
      await project.run('check');
      expect({ after, state: whichState(project.state(), { damaged, fresh }) }).toEqual({ after, state: expect.stringMatching(/^(damaged|fresh)$/) });
      expect(project.leftovers()).toEqual([]);
    }
  });
});

describeWithStrace('codeowners', () => {
  test('killed at each of its renames: CODEOWNERS is the old or the new file, and nothing is left after the next command', async () => {
    const stale = () => project.write('.github/CODEOWNERS', '# stale\n');
    project.restore();
    const fresh = project.state();
    stale();
    const old = project.state();
    const renames = await project.transactionRenames('codeowners', [], stale);
    expect(renames).toHaveLength(2);
    for (const [i, at] of renames.entries()) {
      project.restore();
      stale();
      const killed = await project.run('codeowners', [], { inject: { at: at, action: 'signal=KILL' } });
      expect(killed.signal).toBe('SIGKILL');
      await expectCheckPasses();
      expect({ rename: i + 1, state: whichState(project.state(), { old, fresh }) }).toEqual({ rename: i + 1, state: i === 0 ? 'old' : 'fresh' });
    }
  });
});
