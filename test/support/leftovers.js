// Tests remove what they create, outside and inside the repository. The
// global setup gives the whole run (the jest workers and every process they
// start) a temporary directory of its own, so that other programs' files in
// the system's one are never counted, and records the repository's untracked
// and ignored entries; the global teardown fails the run, naming each entry,
// when the run left anything in either, then removes the temporary directory.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
/** Caches that tools keep in the temporary directory by design (tsx's compile cache), not files a test made. */
const TOOL_CACHES = [/^tsx-\d+$/];

/** `git status` lines of untracked and ignored entries, and of changed tracked files (empty outside a git checkout). */
function repositoryEntries() {
  try {
    const out = execFileSync('git', ['status', '--porcelain=v1', '--untracked-files=all', '--ignored=matching'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

async function setup() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-tests-'));
  process.env.PLATFORM_TESTS_TMPDIR = tmp;
  process.env.TMPDIR = tmp; // os.tmpdir() on Linux and macOS, in the workers jest starts after this
  process.env.TMP = tmp;
  process.env.TEMP = tmp; // on Windows
  globalThis.platformRepositoryBefore = repositoryEntries();
}

async function teardown() {
  const tmp = process.env.PLATFORM_TESTS_TMPDIR;
  const problems = [];
  if (tmp && fs.existsSync(tmp)) {
    const left = fs.readdirSync(tmp).filter((e) => !TOOL_CACHES.some((c) => c.test(e))).sort();
    if (left.length > 0) {
      problems.push(`The tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the temporary directory (os.tmpdir()), `
        + 'named here by what the test passed to mkdtemp:', ...left.map((e) => `  ${e}`));
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const before = new Set(globalThis.platformRepositoryBefore ?? []);
  const added = repositoryEntries().filter((line) => !before.has(line));
  if (added.length > 0) {
    problems.push(`The tests left ${added.length} entr${added.length === 1 ? 'y' : 'ies'} in the repository (git status: ?? untracked, !! ignored, M changed; `
      + 'or you made them while the tests ran):',
      ...added.map((line) => `  ${line}`));
  }
  if (problems.length > 0) {
    throw new Error(`${problems.join('\n')}\nEach test must remove what it creates (afterEach / afterAll), in the repository as in os.tmpdir().`);
  }
}

module.exports = { setup, teardown };
