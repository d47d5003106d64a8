import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCheck } from '../../src/cli/check';
import { runDriftCheck } from '../../src/cli/drift';
import { Tier } from '../../src/model';
import { readTree, synthesize } from '../../src/synth';
import { environment, platform, service } from '../fixtures';
import { TOOLS } from '../review/support';

/** What a synth never writes in dist/: each is a stray the drift check names, the guardrail check does not follow, and a synth removes. */
let tmp: string;
let out: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strays-test-'));
  out = path.join(tmp, 'dist');
  synthesize({ platform: spec, outDir: out, tools: TOOLS });
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const spec = platform({
  apps: [service('web')],
  environments: [environment('dev', ['web']), environment('prod', ['web'], { tier: Tier.PRODUCTION, apps: { web: { replicas: 3 } } })],
});

function capture(): { out: { log: (s: string) => void; error: (s: string) => void }; text: () => string } {
  const lines: string[] = [];
  return { out: { log: (s) => lines.push(s), error: (s) => lines.push(s) }, text: () => lines.join('\n') };
}
async function drift() {
  const { out: console, text } = capture();
  const code = await runDriftCheck({ platform: spec, outDir: out, projectDir: tmp, tools: TOOLS }, console);
  return { code, text: text() };
}
function guardrails() {
  const { out: console, text } = capture();
  const code = runCheck({ platform: spec, distDir: out }, console);
  return { code, text: text() };
}

const strays: Array<[string, () => void, string]> = [
  ['a symbolic link to a rendered file', () => fs.symlinkSync('PROVENANCE.json', path.join(out, 'dev', 'notes.json')),
    '  stray    dist/dev/notes.json\n             a symbolic link (to PROVENANCE.json), not rendered by the sources: delete it (npm run synth removes it)'],
  ['a dangling symbolic link named like a manifest', () => fs.symlinkSync('gone.yaml', path.join(out, 'dev', 'apps', 'web', 'extra.yaml')),
    '  stray    dist/dev/apps/web/extra.yaml\n             a symbolic link (to gone.yaml), not rendered by the sources: delete it (npm run synth removes it)'],
  ['a FIFO', () => execFileSync('mkfifo', [path.join(out, 'prod', 'pipe.yaml')]),
    '  stray    dist/prod/pipe.yaml\n             a FIFO, not rendered by the sources: delete it (npm run synth removes it)'],
  ['an empty directory', () => fs.mkdirSync(path.join(out, 'prod', 'apps', 'gone'), { recursive: true }),
    '  stray    dist/prod/apps/gone\n             an empty directory, not rendered by the sources: delete it (npm run synth removes it)'],
];

describe.each(strays)('%s', (_, make, described) => {
  beforeEach(make);

  test('fails the drift check, named', async () => {
    const { code, text } = await drift();
    expect(code).toBe(1);
    expect(text).toContain('dist/ differs from what the sources render: 1 file.');
    expect(text).toContain(described);
  });

  test('does not crash, block or follow in the guardrail check', () => {
    const { text } = guardrails();
    expect(text).not.toMatch(/ENOENT|unexpectedly/);
    expect(text).toMatch(/Checked \d+ objects/);
  });

  test('is removed by a synth, after which the drift check passes', async () => {
    synthesize({ platform: spec, outDir: out, tools: TOOLS });
    expect((await drift()).code).toBe(0);
  });
});

test('a rendered file replaced by a link is one finding, "changed", and the guardrail check names it without following it', async () => {
  const file = path.join(out, 'dev', 'apps', 'web', 'service-web.yaml');
  const copy = path.join(tmp, 'service-web.yaml');
  fs.renameSync(file, copy);
  fs.symlinkSync(copy, file);
  const { code, text } = await drift();
  expect(code).toBe(1);
  expect(text).toContain(`  changed  dist/dev/apps/web/service-web.yaml\n             is a symbolic link (to ${copy}), not the file the sources render: delete it (npm run synth replaces it)`);
  expect(text).not.toContain('missing');
  const checked = guardrails();
  expect(checked.code).toBe(1);
  expect(checked.text).toContain(`dist/dev/apps/web/service-web.yaml is a symbolic link (to ${copy}), not a file: a synth writes files only`);
  synthesize({ platform: spec, outDir: out, tools: TOOLS });
  expect(fs.lstatSync(file).isFile()).toBe(true);
  expect(readTree(tmp).get('service-web.yaml')).toBeDefined();
});
