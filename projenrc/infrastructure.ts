import * as fs from 'fs';
import * as path from 'path';
import { YamlFile } from 'projen';
import { TypeScriptProject } from 'projen/lib/typescript';

/**
 * The Terraform pipeline, generated from `dist/pipeline.json` (written by
 * `npm run synth`), never from the engine: `npx projen` must work whatever
 * state the declarations are in. The workflows name no environment: they list
 * them, in promotion order, from that file when they run (and read each one's
 * project, provider and service accounts there), so adding, renaming or
 * removing an environment is `npm run synth` alone. Only the pipeline's own
 * settings (Terraform version, drift schedule) are written into them here.
 */

/** Actions, pinned by version (each checked to exist: docs/pipeline.md). */
export const ACTIONS = {
  checkout: 'actions/checkout@v4.2.2',
  setupNode: 'actions/setup-node@v4.4.0',
  auth: 'google-github-actions/auth@v2.1.10',
  setupTerraform: 'hashicorp/setup-terraform@v3.1.2',
  uploadArtifact: 'actions/upload-artifact@v4.6.2',
  downloadArtifact: 'actions/download-artifact@v4.3.0',
  githubScript: 'actions/github-script@v7.0.1',
  setupGo: 'actions/setup-go@v5.5.0',
  cache: 'actions/cache@v4.2.3',
} as const;

export const INFRASTRUCTURE_WORKFLOW = '.github/workflows/infrastructure.yml';
export const DRIFT_WORKFLOW = '.github/workflows/drift.yml';
/** Where the pull-request plan summaries are downloaded for the review comment. */
export const PLAN_SUMMARY_DIR = 'terraform-plan';
/** The label of drift issues; one issue per environment. */
export const DRIFT_LABEL = 'infrastructure-drift';

/** Where the synth writes the pipeline settings, relative to the repository (src/delivery/pipeline.ts). */
export const PIPELINE_SETTINGS = 'dist/pipeline.json';

/** The part of one environment's entry in `dist/pipeline.json` the generator reads. */
export interface PipelineEnvironment {
  readonly environment: string;
  readonly bootstrapped: boolean;
  readonly production: boolean;
}

/** The part of `dist/pipeline.json` the generator reads. */
export interface Pipeline {
  readonly terraformVersion: string;
  readonly driftSchedule: string;
  /** In promotion order. */
  readonly environments: readonly PipelineEnvironment[];
}

/** The pipeline settings under `distDir`; none when the platform declares no pipeline. */
export function readPipeline(distDir: string): Pipeline | undefined {
  const file = path.join(distDir, path.basename(PIPELINE_SETTINGS));
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
}

type Json = Record<string, unknown>;

/** The environments the workflows plan and apply (bootstrapped ones), in promotion order, as a JSON list: read from dist/ when the workflow runs. */
const ORDERED_ENVIRONMENTS = `jq -c '[.environments[] | select(.bootstrapped) | .environment]' ${PIPELINE_SETTINGS}`;

/**
 * The environments whose Terraform the pull request changes (`git diff` with
 * its base), as the step output `environments`: the bootstrapped ones, to
 * plan; for each other one, a summary saying why it is not planned.
 */
// git's pathspec: `*` also matches `/`, and a trailing `/` after a wildcard matches nothing (so `dist/*/terraform/*`).
const CHANGED_ENVIRONMENTS = [
  'changed=$(git diff --name-only HEAD^1 HEAD -- \'dist/*/terraform/*\' | cut -d/ -f2 | sort -u | jq -R . | jq -cs .)',
  'select_changed=\'[.environments[] | select(.environment as $e | any($changed[]; . == $e))]\'',
  `environments=$(jq -c --argjson changed "$changed" "$select_changed | map(select(.bootstrapped) | .environment)" ${PIPELINE_SETTINGS})`,
  `waiting=$(jq -r --argjson changed "$changed" "$select_changed | map(select(.bootstrapped | not) | .environment) | .[]" ${PIPELINE_SETTINGS})`,
  'mkdir -p "$SUMMARY_DIR"',
  'for env in $waiting; do',
  '  printf \'#### Terraform plan: `%s`\\n\\n%s: not bootstrapped yet: apply it by hand once, see docs/new-cluster.md\\n\' "$env" "$env" > "${SUMMARY_DIR}/${env}.md"',
  'done',
  'echo "environments=${environments}" >> "$GITHUB_OUTPUT"',
  'echo "Terraform changed in: ${changed}; to plan: ${environments}"',
].join('\n');

/** Steps that read the environment's settings from the rendered tree and authenticate as its plan or apply identity. */
function authenticate(account: 'planServiceAccount' | 'applyServiceAccount', terraformVersion: string): Json[] {
  return [
    {
      name: 'Read the environment\'s pipeline settings from dist/',
      id: 'settings',
      run: [
        `settings=$(jq -c --arg e "$ENVIRONMENT" '.environments[] | select(.environment == $e)' ${PIPELINE_SETTINGS})`,
        'echo "provider=$(jq -r .workloadIdentityProvider <<< "$settings")" >> "$GITHUB_OUTPUT"',
        `echo "service_account=$(jq -r .${account} <<< "$settings")" >> "$GITHUB_OUTPUT"`,
      ].join('\n'),
    },
    {
      name: 'Authenticate to Google Cloud (Workload Identity Federation, no key)',
      uses: ACTIONS.auth,
      with: { workload_identity_provider: '${{ steps.settings.outputs.provider }}', service_account: '${{ steps.settings.outputs.service_account }}' },
    },
    { uses: ACTIONS.setupTerraform, with: { terraform_version: terraformVersion, terraform_wrapper: false } },
    { name: 'terraform init', run: 'terraform -chdir="dist/${ENVIRONMENT}/terraform" init -input=false' },
  ];
}

/**
 * Counts of a saved plan's resource changes, destroys (and replacements)
 * listed: the Markdown the review comment shows for one environment.
 */
const SUMMARIZE_PLAN = [
  'dir="dist/${ENVIRONMENT}/terraform"',
  'out="${SUMMARY_DIR}/${ENVIRONMENT}.md"',
  'mkdir -p "$SUMMARY_DIR"',
  'if [ "$PLAN_OUTCOME" != success ]; then',
  // No quote inside the single-quoted format: bash has no escape there (test/operators/workflows.test.ts runs bash -n).
  '  printf \'#### Terraform plan: `%s`\\n\\n:x: **The plan failed**: see the log of this run.\\n\' "$ENVIRONMENT" > "$out"',
  '  exit 0',
  'fi',
  'terraform -chdir="$dir" show -json tfplan > plan.json',
  'add=$(jq \'[.resource_changes[]? | select(.change.actions | index("create"))] | length\' plan.json)',
  'change=$(jq \'[.resource_changes[]? | select(.change.actions == ["update"])] | length\' plan.json)',
  'destroy=$(jq \'[.resource_changes[]? | select(.change.actions | index("delete"))] | length\' plan.json)',
  '{',
  '  printf \'#### Terraform plan: `%s`\\n\\n%s to add, %s to change, %s to destroy\\n\' "$ENVIRONMENT" "$add" "$change" "$destroy"',
  '  if [ "$destroy" -gt 0 ]; then',
  '    printf \'\\n:warning: **Destroys** (a replacement destroys, then creates):\\n\\n\'',
  '    jq -r \'.resource_changes[]? | select(.change.actions | index("delete")) | "- `\\(.address)`" + (if (.change.actions | index("create")) then " (replaced)" else "" end)\' plan.json',
  '  fi',
  '} > "$out"',
  'cat "$out" >> "$GITHUB_STEP_SUMMARY"',
].join('\n');

/**
 * Jobs added to the pull-request workflow: which environments' Terraform the
 * pull request changes, and a plan of each (read-only identity), whose
 * summaries the review job puts in its comment beside the rendered diff.
 */
export function pullRequestPlanJobs(pipeline: Pipeline | undefined): Record<string, Json> {
  if (!pipeline) return {};
  const terraformVersion = pipeline.terraformVersion;
  return {
    'terraform-changes': {
      'name': 'environments whose Terraform changes',
      'if': "github.event_name == 'pull_request'",
      'runs-on': 'ubuntu-latest',
      'timeout-minutes': 5,
      'outputs': { environments: '${{ steps.changed.outputs.environments }}' },
      'steps': [
        { uses: ACTIONS.checkout, with: { 'fetch-depth': 2, 'persist-credentials': false } },
        { id: 'changed', env: { SUMMARY_DIR: PLAN_SUMMARY_DIR }, run: CHANGED_ENVIRONMENTS },
        // The summaries of the environments not planned, which the review comment shows with the plans.
        {
          uses: ACTIONS.uploadArtifact,
          with: { 'name': 'terraform-plan-not-bootstrapped', 'path': `${PLAN_SUMMARY_DIR}/`, 'retention-days': 7, 'if-no-files-found': 'ignore' },
        },
      ],
    },
    'terraform-plan': {
      'name': 'terraform plan (${{ matrix.environment }})',
      'needs': ['terraform-changes'],
      // A fork's pull request gets no OIDC token: it cannot authenticate, so it is not planned.
      'if': "needs.terraform-changes.outputs.environments != '[]' && github.event.pull_request.head.repo.full_name == github.repository",
      'runs-on': 'ubuntu-latest',
      'timeout-minutes': 30,
      'permissions': { 'contents': 'read', 'id-token': 'write' },
      'strategy': { 'fail-fast': false, 'matrix': { environment: '${{ fromJSON(needs.terraform-changes.outputs.environments) }}' } },
      'env': { ENVIRONMENT: '${{ matrix.environment }}' },
      'steps': [
        { uses: ACTIONS.checkout, with: { 'persist-credentials': false } },
        ...authenticate('planServiceAccount', terraformVersion),
        {
          'name': 'terraform plan',
          'id': 'plan',
          'continue-on-error': true,
          // -lock=false: a plan changes no state, and the plan identity may only read the state bucket.
          'run': 'terraform -chdir="dist/${ENVIRONMENT}/terraform" plan -input=false -lock=false -no-color -out=tfplan',
        },
        { name: 'Summarize the plan', run: SUMMARIZE_PLAN, env: { PLAN_OUTCOME: '${{ steps.plan.outcome }}', SUMMARY_DIR: PLAN_SUMMARY_DIR } },
        { uses: ACTIONS.uploadArtifact, with: { 'name': 'terraform-plan-${{ matrix.environment }}', 'path': `${PLAN_SUMMARY_DIR}/`, 'retention-days': 7 } },
        { name: 'Fail when the plan failed', if: "steps.plan.outcome != 'success'", run: 'exit 1' },
      ],
    },
  };
}

/** Steps the review job runs before it comments: the plan summaries of the pull request's environments, if any. */
export function downloadPlanSummaries(pipeline: Pipeline | undefined): Json[] {
  if (!pipeline) return [];
  return [{
    'name': 'Download the Terraform plan summaries',
    'continue-on-error': true,
    'uses': ACTIONS.downloadArtifact,
    'with': { 'pattern': 'terraform-plan-*', 'merge-multiple': true, 'path': PLAN_SUMMARY_DIR },
  }];
}

/** Where each plan job of infrastructure.yml leaves its `terraform plan -detailed-exitcode` code, one file per environment. */
export const PLAN_RESULT_DIR = 'plan-result';

/**
 * `terraform plan -detailed-exitcode` of `$ENVIRONMENT` into `tfplan`, its
 * code in the step's output `exitcode`; the step fails on an error (1) only.
 * `lock` false for the read-only identity, which may not write the state bucket.
 */
const detailedPlan = (lock: boolean) => [
  'set +e',
  `terraform -chdir="dist/\${ENVIRONMENT}/terraform" plan -input=false${lock ? '' : ' -lock=false'} -no-color -detailed-exitcode -out=tfplan`,
  'code=$?',
  'set -e',
  'echo "exitcode=${code}" >> "$GITHUB_OUTPUT"',
  '[ "$code" -ne 1 ]',
].join('\n');

/**
 * The environments to apply, in promotion order: those whose plan reported
 * changes (2), up to the first whose plan failed or left no result, which
 * stops the rest (an environment is never applied before the ones before it
 * are in step). Reads `ORDERED` (a JSON list) and `${PLAN_RESULT_DIR}/<env>`.
 */
const ENVIRONMENTS_TO_APPLY = [
  'apply=\'[]\'',
  'for env in $(jq -r \'.[]\' <<< "$ORDERED"); do',
  `  code=$(cat "${PLAN_RESULT_DIR}/\${env}" 2>/dev/null || echo none)`,
  '  case "$code" in',
  '    0) echo "${env}: in step with Git, nothing to apply" ;;',
  '    2) echo "${env}: changes to apply"; apply=$(jq -c --arg e "$env" \'. + [$e]\' <<< "$apply") ;;',
  '    *) echo "${env}: the plan failed (${code}): neither it nor the environments after it are applied"; break ;;',
  '  esac',
  'done',
  'echo "environments=${apply}" >> "$GITHUB_OUTPUT"',
  'echo "To apply, in order: ${apply}"',
].join('\n');

/**
 * `infrastructure.yml`: on every push to main (or by hand), converge every
 * environment to Git. Each environment is planned (read-only identity,
 * `-detailed-exitcode`); those with changes are applied one at a time in
 * promotion order, each job in the GitHub environment of the same name, whose
 * protection rules gate it (prod: the platform owners' approval) and whose
 * name alone lets it impersonate the apply identity. Planning first means an
 * approval is only requested when there is something to apply; planning every
 * environment on every run means a failed, cancelled or rejected apply is
 * applied by the next run, whatever that push changed.
 */
export function infrastructureWorkflow(pipeline: Pipeline): Json {
  const terraformVersion = pipeline.terraformVersion;
  return {
    name: 'infrastructure',
    // Every push, not only those changing dist/*/terraform: a run converges every environment, so one that failed before is retried.
    on: { push: { branches: ['main'] }, workflow_dispatch: {} },
    permissions: { contents: 'read' },
    // One run at a time, never cancelled half-way.
    concurrency: { 'group': 'infrastructure-apply', 'cancel-in-progress': false },
    jobs: {
      'environments': {
        'name': 'environments, in promotion order',
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 5,
        'outputs': { environments: '${{ steps.list.outputs.environments }}' },
        'steps': [
          { uses: ACTIONS.checkout, with: { 'persist-credentials': false } },
          { id: 'list', run: `echo "environments=$(${ORDERED_ENVIRONMENTS})" >> "$GITHUB_OUTPUT"` },
        ],
      },
      'plan': {
        'name': 'terraform plan (${{ matrix.environment }})',
        'needs': ['environments'],
        'if': "needs.environments.outputs.environments != '[]'",
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 30,
        'permissions': { 'contents': 'read', 'id-token': 'write' },
        'strategy': { 'fail-fast': false, 'matrix': { environment: '${{ fromJSON(needs.environments.outputs.environments) }}' } },
        'env': { ENVIRONMENT: '${{ matrix.environment }}' },
        'steps': [
          { uses: ACTIONS.checkout, with: { 'persist-credentials': false } },
          ...authenticate('planServiceAccount', terraformVersion),
          { name: 'terraform plan -detailed-exitcode', id: 'plan', run: detailedPlan(false) },
          {
            name: 'Record the plan\'s exit code',
            if: '!cancelled()',
            env: { EXITCODE: '${{ steps.plan.outputs.exitcode }}' },
            run: `mkdir -p ${PLAN_RESULT_DIR}\necho "\${EXITCODE:-none}" > "${PLAN_RESULT_DIR}/\${ENVIRONMENT}"`,
          },
          { if: '!cancelled()', uses: ACTIONS.uploadArtifact, with: { 'name': 'plan-result-${{ matrix.environment }}', 'path': `${PLAN_RESULT_DIR}/`, 'retention-days': 1 } },
        ],
      },
      'to-apply': {
        'name': 'environments to apply, in promotion order',
        'needs': ['environments', 'plan'],
        // Also after a failed plan: the environments before it are still applied.
        'if': "!cancelled() && needs.environments.outputs.environments != '[]'",
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 5,
        'outputs': { environments: '${{ steps.decide.outputs.environments }}' },
        'steps': [
          { 'continue-on-error': true, 'uses': ACTIONS.downloadArtifact, 'with': { 'pattern': 'plan-result-*', 'merge-multiple': true, 'path': PLAN_RESULT_DIR } },
          { id: 'decide', env: { ORDERED: '${{ needs.environments.outputs.environments }}' }, run: ENVIRONMENTS_TO_APPLY },
        ],
      },
      'apply': {
        'name': 'terraform apply (${{ matrix.environment }})',
        'needs': ['to-apply'],
        'if': "!cancelled() && needs.to-apply.result == 'success' && needs.to-apply.outputs.environments != '[]'",
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 60,
        // One environment at a time, in the matrix's order (promotion order); a failure cancels the ones after it.
        'strategy': { 'max-parallel': 1, 'fail-fast': true, 'matrix': { environment: '${{ fromJSON(needs.to-apply.outputs.environments) }}' } },
        // Only environments with changes get here, so prod's approval is requested only when prod has something to apply.
        'environment': '${{ matrix.environment }}',
        'permissions': { 'contents': 'read', 'id-token': 'write' },
        'env': { ENVIRONMENT: '${{ matrix.environment }}' },
        'steps': [
          { uses: ACTIONS.checkout, with: { 'persist-credentials': false } },
          ...authenticate('applyServiceAccount', terraformVersion),
          // Planned again, under the state lock, by the identity that applies: what is applied is this plan, not the read-only one.
          { name: 'terraform plan -detailed-exitcode', id: 'plan', run: detailedPlan(true) },
          {
            name: 'terraform apply',
            if: "steps.plan.outputs.exitcode == '2'",
            run: 'terraform -chdir="dist/${ENVIRONMENT}/terraform" apply -input=false -no-color tfplan',
          },
        ],
      },
    },
  };
}

/**
 * The body of the drift job's `actions/github-script` step: one open issue
 * per drifted environment, updated while it drifts, closed once it no longer
 * does. Reads `EXITCODE` (terraform plan -detailed-exitcode: 0 in step, 2
 * drifted) and `plan.txt`.
 */
export const DRIFT_ISSUE_SCRIPT = `const fs = require('fs');
const environment = process.env.ENVIRONMENT;
const drifted = process.env.EXITCODE === '2';
const { owner, repo } = context.repo;
const title = 'Infrastructure drift in ' + environment;
const label = ${JSON.stringify(DRIFT_LABEL)};
const open = await github.paginate(github.rest.issues.listForRepo, { owner, repo, state: 'open', labels: label, per_page: 100 });
const issue = open.find((i) => i.title === title);
const run = context.serverUrl + '/' + owner + '/' + repo + '/actions/runs/' + context.runId;
if (drifted) {
  let plan = fs.readFileSync('plan.txt', 'utf8');
  if (plan.length > 50000) plan = plan.slice(0, 50000) + '\\n(Truncated: the whole plan is in the run\\'s log.)';
  const body = 'The infrastructure of **' + environment + '** differs from what Git declares (\\\`terraform plan -detailed-exitcode\\\`, ' + run + ').\\n\\n'
    + 'Either apply Git again (run the infrastructure workflow), or change the declaration to what is wanted.\\n\\n<details><summary>Plan</summary>\\n\\n\\\`\\\`\\\`\\n' + plan + '\\n\\\`\\\`\\\`\\n</details>\\n';
  if (issue) await github.rest.issues.update({ owner, repo, issue_number: issue.number, body });
  else await github.rest.issues.create({ owner, repo, title, body, labels: [label] });
} else if (issue) {
  await github.rest.issues.createComment({ owner, repo, issue_number: issue.number, body: 'No drift any more (' + run + ').' });
  await github.rest.issues.update({ owner, repo, issue_number: issue.number, state: 'closed' });
}
`;

/** `drift.yml`: on a schedule, `terraform plan -detailed-exitcode` per environment, read-only, and the drift issues. */
export function driftWorkflow(pipeline: Pipeline): Json {
  return {
    name: 'drift',
    on: { schedule: [{ cron: pipeline.driftSchedule }], workflow_dispatch: {} },
    permissions: { contents: 'read' },
    jobs: {
      environments: {
        'name': 'environments',
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 5,
        'outputs': { environments: '${{ steps.list.outputs.environments }}' },
        'steps': [
          { uses: ACTIONS.checkout, with: { 'persist-credentials': false } },
          { id: 'list', run: `echo "environments=$(${ORDERED_ENVIRONMENTS})" >> "$GITHUB_OUTPUT"` },
        ],
      },
      drift: {
        'name': 'infrastructure drift (${{ matrix.environment }})',
        'needs': ['environments'],
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 30,
        'permissions': { 'contents': 'read', 'id-token': 'write', 'issues': 'write' },
        'strategy': { 'fail-fast': false, 'matrix': { environment: '${{ fromJSON(needs.environments.outputs.environments) }}' } },
        'env': { ENVIRONMENT: '${{ matrix.environment }}' },
        'steps': [
          { uses: ACTIONS.checkout, with: { 'persist-credentials': false } },
          ...authenticate('planServiceAccount', pipeline.terraformVersion),
          {
            name: 'terraform plan -detailed-exitcode',
            id: 'plan',
            run: [
              'set +e',
              'terraform -chdir="dist/${ENVIRONMENT}/terraform" plan -input=false -lock=false -no-color -detailed-exitcode > plan.txt 2>&1',
              'code=$?',
              'set -e',
              'echo "exitcode=${code}" >> "$GITHUB_OUTPUT"',
              // 1 is an error, not drift: the issue is left as it is and the run fails.
              'if [ "$code" -eq 1 ]; then cat plan.txt; exit 1; fi',
            ].join('\n'),
          },
          { name: 'Open, update or close the drift issue', uses: ACTIONS.githubScript, env: { EXITCODE: '${{ steps.plan.outputs.exitcode }}' }, with: { script: DRIFT_ISSUE_SCRIPT } },
        ],
      },
    },
  };
}

/** Writes the infrastructure and drift workflows when the platform declares a pipeline. */
export function addInfrastructureWorkflows(project: TypeScriptProject, pipeline: Pipeline | undefined): void {
  if (!pipeline) return;
  new YamlFile(project, INFRASTRUCTURE_WORKFLOW, { obj: infrastructureWorkflow(pipeline) });
  new YamlFile(project, DRIFT_WORKFLOW, { obj: driftWorkflow(pipeline) });
}
