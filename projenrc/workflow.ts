import { YamlFile, typescript } from 'projen';
import { ACTIONS, PLAN_SUMMARY_DIR, Pipeline, downloadPlanSummaries, pullRequestPlanJobs } from './infrastructure';

/** Where the pull-request workflow is written. */
export const WORKFLOW_FILE = '.github/workflows/platform.yml';

/** Marks the comment the workflow keeps up to date on each pull request. */
export const COMMENT_MARKER = '<!-- platform-definition: rendered diff -->';

/** Above this many previews a change is too broad to preview every app: no labels, a line in the comment instead. */
export const MAX_PREVIEW_LABELS = 10;

/**
 * The body of the `actions/github-script` step: posts (or updates) the
 * rendered diff as one pull-request comment, and keeps a `preview:<app>`
 * label on the pull request for each app whose preview the change renders
 * differently (the labels the preview ApplicationSets select). The comment
 * records which labels were proposed and which the workflow added itself:
 * - a proposed label a person removed stays removed;
 * - a label the workflow added is withdrawn when a later push no longer
 *   changes that preview (its preview then stops), and proposed again if a
 *   push changes it again;
 * - a label a person added is never removed.
 * Runs with `github`, `context` and `require` as github-script provides them.
 */
export const COMMENT_AND_LABEL_SCRIPT = `const fs = require('fs');
const marker = ${JSON.stringify(COMMENT_MARKER)};
const proposedMarker = /<!-- proposed labels: ([^>]*) -->/;
const addedMarker = /<!-- added labels: ([^>]*) -->/;
const maxLabels = ${MAX_PREVIEW_LABELS};
const limit = 60000;
const { owner, repo } = context.repo;
const issue_number = context.issue.number;

const previews = JSON.parse(fs.readFileSync('diff.json', 'utf8')).previews || [];
const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
const previous = comments.find((c) => c.user && c.user.type === 'Bot' && (c.body || '').startsWith(marker));
const recorded = (re) => new Set((((previous && (previous.body || '').match(re)) || [null, ''])[1]).split(',').filter(Boolean));
const proposedBefore = recorded(proposedMarker);
// Comments written before the workflow recorded this hold none: nothing is withdrawn on those pull requests.
const addedBefore = recorded(addedMarker);
const labels = await github.paginate(github.rest.issues.listLabelsOnIssue, { owner, repo, issue_number, per_page: 100 });
const current = new Set(labels.map((l) => l.name));
const wanted = previews.map((app) => 'preview:' + app);
const tooMany = wanted.length > maxLabels;
// Added by the workflow, still there, and no longer rendered differently: withdrawn (and proposable again).
const withdraw = [...addedBefore].filter((name) => current.has(name) && !wanted.includes(name)).sort();
// Proposed before and absent now: a person removed it; leave it removed.
const toAdd = tooMany ? [] : wanted.filter((name) => !current.has(name) && !proposedBefore.has(name));
const proposed = [...new Set([...proposedBefore, ...(tooMany ? [] : wanted)])].filter((name) => !withdraw.includes(name)).sort();
const added = [...new Set([...addedBefore].filter((name) => current.has(name) && !withdraw.includes(name)).concat(toAdd))].sort();

let report = fs.readFileSync('diff.md', 'utf8');
// The Terraform plans of the environments the pull request changes, when the pipeline planned them.
let plans = [];
try {
  plans = fs.readdirSync(${JSON.stringify(PLAN_SUMMARY_DIR)}).filter((f) => f.endsWith('.md')).sort()
    .map((f) => fs.readFileSync(${JSON.stringify(PLAN_SUMMARY_DIR)} + '/' + f, 'utf8'));
} catch (err) {
  plans = [];
}
if (plans.length > 0) report = '### Terraform plans\\n\\n' + plans.join('\\n') + '\\n' + report;
if (report.length > limit) {
  report = report.slice(0, limit) + '\\n\\n(Truncated: the whole report is in the rendered-diff artifact of this run.)';
}
let note = tooMany
  ? '> **Previews:** this change renders ' + wanted.length + ' apps\\' previews differently, more than ' + maxLabels + ', so none was labelled. Label \`preview:<app>\` by hand for the apps to try.\\n\\n'
  : '';
if (withdraw.length > 0) {
  note += '> **Previews stopped:** ' + withdraw.map((name) => '\`' + name + '\`').join(', ') + ': this pull request no longer changes ' + (withdraw.length === 1 ? 'that preview' : 'those previews') + ', so the label this workflow added was removed.\\n\\n';
}
const body = marker + '\\n' + note + report + '\\n<!-- proposed labels: ' + proposed.join(',') + ' -->\\n<!-- added labels: ' + added.join(',') + ' -->\\n';
if (previous) {
  await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body });
} else {
  await github.rest.issues.createComment({ owner, repo, issue_number, body });
}
for (const name of withdraw) {
  try {
    await github.rest.issues.removeLabel({ owner, repo, issue_number, name });
  } catch (err) {
    console.log('Could not remove the label ' + name + ': ' + err.message);
  }
}
if (toAdd.length > 0) {
  try {
    await github.rest.issues.addLabels({ owner, repo, issue_number, labels: toAdd });
  } catch (err) {
    console.log('Could not add the labels ' + toAdd.join(', ') + ': ' + err.message);
  }
}
`;

const setupNode = { uses: ACTIONS.setupNode, with: { 'node-version': 20, 'cache': 'npm' } };

/**
 * GitHub Actions for this repository: `.ci/run` on every push and pull
 * request (the required status check), and on pull requests the rendered
 * diff as a comment plus the preview labels.
 */
export function addPlatformWorkflow(project: typescript.TypeScriptProject, pipeline?: Pipeline): void {
  const planJobs = pullRequestPlanJobs(pipeline);
  new YamlFile(project, WORKFLOW_FILE, {
    obj: {
      name: 'platform',
      on: { pull_request: {}, push: { branches: ['main'] } },
      permissions: { contents: 'read' },
      // A new push to a pull request cancels the run of the previous one; every commit on main is checked.
      concurrency: { 'group': '${{ github.workflow }}-${{ github.ref }}', 'cancel-in-progress': "${{ github.event_name == 'pull_request' }}" },
      jobs: {
        check: {
          'name': 'tests, guardrails and drift (.ci/run)',
          'runs-on': 'ubuntu-latest',
          // A cold build of the API server alone takes about 14 minutes (docs/conformance.md), then every tier runs.
          'timeout-minutes': 90,
          'steps': [
            { uses: ACTIONS.checkout, with: { 'persist-credentials': false } },
            setupNode,
            // The conformance tier builds kube-apiserver and etcd with the Go of conformance/go.mod.
            { uses: ACTIONS.setupGo, with: { 'go-version-file': 'conformance/go.mod', 'cache-dependency-path': 'conformance/go.sum' } },
            {
              name: 'Cache the API server build (conformance/run.sh keys it by go.sum, Go version and sources)',
              uses: ACTIONS.cache,
              with: {
                path: '~/.cache/platform-definition/conformance',
                key: "conformance-${{ runner.os }}-${{ hashFiles('conformance/go.mod', 'conformance/go.sum', 'conformance/cmd/**', 'conformance/internal/**', 'conformance/tools/**') }}",
              },
            },
            // The runner has no ../shared/reference: the same upstream CRDs, at pinned commits, checked by hash.
            { name: 'Fetch the upstream CRDs', run: 'bash .ci/fetch-crds "$RUNNER_TEMP/crds"' },
            { run: 'bash .ci/run', env: { CI: 'true', PLATFORM_CRDS: '${{ runner.temp }}/crds' } },
          ],
        },
        ...planJobs,
        review: {
          'name': 'rendered diff and preview labels',
          // With the pipeline, after the Terraform plans, whose summaries go in the same comment (whatever their outcome).
          ...(pipeline ? { needs: Object.keys(planJobs) } : {}),
          'if': pipeline ? "!cancelled() && github.event_name == 'pull_request'" : "github.event_name == 'pull_request'",
          'runs-on': 'ubuntu-latest',
          'timeout-minutes': 20,
          // Commenting and labelling; a pull request from a fork gets a read-only token, so there it only reports.
          'permissions': { 'contents': 'read', 'pull-requests': 'write', 'issues': 'write' },
          'steps': [
            // The merge commit and its first parent: the base branch as GitHub merged it (not as it is now).
            { uses: ACTIONS.checkout, with: { 'fetch-depth': 2, 'persist-credentials': false } },
            setupNode,
            { run: 'npm ci --no-audit --no-fund' },
            {
              name: 'Render the base branch and this pull request, and compare',
              run: [
                'npm run --silent diff -- --base HEAD^1 --output diff.md --json-output diff.json',
                'cat diff.md >> "$GITHUB_STEP_SUMMARY"',
              ].join('\n'),
            },
            { uses: ACTIONS.uploadArtifact, with: { name: 'rendered-diff', path: 'diff.md\ndiff.json' } },
            ...downloadPlanSummaries(pipeline),
            {
              'name': 'Comment the diff and label the previews',
              'continue-on-error': '${{ github.event.pull_request.head.repo.fork }}',
              'uses': ACTIONS.githubScript,
              'with': { script: COMMENT_AND_LABEL_SCRIPT },
            },
          ],
        },
      },
    },
  });
}
