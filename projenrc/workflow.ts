import { YamlFile } from 'projen';
import { TypeScriptProject } from 'projen/lib/typescript';

/** Where the pull-request workflow is written. */
export const WORKFLOW_FILE = '.github/workflows/platform.yml';

/** Marks the comment the workflow keeps up to date on each pull request. */
export const COMMENT_MARKER = '<!-- platform-definition: rendered diff -->';

/**
 * The body of the `actions/github-script` step: posts (or updates) the
 * rendered diff as one pull-request comment, and adds a `preview:<app>`
 * label for each app whose preview the change renders differently (the
 * labels the preview ApplicationSets select). It only adds labels: one a
 * person added, or that an earlier commit needed, stays until removed by hand.
 * Runs with `github`, `context` and `require` as github-script provides them.
 */
export const COMMENT_AND_LABEL_SCRIPT = `const fs = require('fs');
const marker = ${JSON.stringify(COMMENT_MARKER)};
const limit = 60000;
let report = fs.readFileSync('diff.md', 'utf8');
if (report.length > limit) {
  report = report.slice(0, limit) + '\\n\\n(Truncated: the whole report is in the rendered-diff artifact of this run.)';
}
const body = marker + '\\n' + report;
const { owner, repo } = context.repo;
const issue_number = context.issue.number;
const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
const previous = comments.find((c) => c.user && c.user.type === 'Bot' && (c.body || '').startsWith(marker));
if (previous) {
  await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body });
} else {
  await github.rest.issues.createComment({ owner, repo, issue_number, body });
}
const previews = JSON.parse(fs.readFileSync('diff.json', 'utf8')).previews || [];
const labels = await github.paginate(github.rest.issues.listLabelsOnIssue, { owner, repo, issue_number, per_page: 100 });
const current = new Set(labels.map((l) => l.name));
const missing = previews.map((app) => 'preview:' + app).filter((name) => !current.has(name));
if (missing.length > 0) {
  await github.rest.issues.addLabels({ owner, repo, issue_number, labels: missing });
}
`;

const setupNode = { uses: 'actions/setup-node@v4', with: { 'node-version': 20, 'cache': 'npm' } };

/**
 * GitHub Actions for this repository: `.ci/run` on every push and pull
 * request (the required status check), and on pull requests the rendered
 * diff as a comment plus the preview labels.
 */
export function addPlatformWorkflow(project: TypeScriptProject): void {
  new YamlFile(project, WORKFLOW_FILE, {
    obj: {
      name: 'platform',
      on: { pull_request: {}, push: { branches: ['main'] } },
      permissions: { contents: 'read' },
      concurrency: { 'group': '${{ github.workflow }}-${{ github.ref }}', 'cancel-in-progress': true },
      jobs: {
        check: {
          'name': 'tests, guardrails and drift (.ci/run)',
          'runs-on': 'ubuntu-latest',
          'timeout-minutes': 30,
          'steps': [
            { uses: 'actions/checkout@v4' },
            setupNode,
            { run: 'bash .ci/run', env: { CI: 'true' } },
          ],
        },
        review: {
          'name': 'rendered diff and preview labels',
          'if': "github.event_name == 'pull_request'",
          'runs-on': 'ubuntu-latest',
          'timeout-minutes': 20,
          // Commenting and labelling; a pull request from a fork gets a read-only token, so there it only reports.
          'permissions': { 'contents': 'read', 'pull-requests': 'write', 'issues': 'write' },
          'steps': [
            { uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } },
            setupNode,
            { run: 'npm ci --no-audit --no-fund' },
            {
              name: 'Render the base branch and this pull request, and compare',
              env: { BASE_REF: '${{ github.base_ref }}' },
              run: [
                'npm run --silent diff -- --base "origin/$BASE_REF" --output diff.md',
                'npm run --silent diff -- --base "origin/$BASE_REF" --format json --output diff.json',
                'cat diff.md >> "$GITHUB_STEP_SUMMARY"',
              ].join('\n'),
            },
            { uses: 'actions/upload-artifact@v4', with: { name: 'rendered-diff', path: 'diff.md\ndiff.json' } },
            {
              'name': 'Comment the diff and label the previews',
              'continue-on-error': '${{ github.event.pull_request.head.repo.fork }}',
              'uses': 'actions/github-script@v7',
              'with': { script: COMMENT_AND_LABEL_SCRIPT },
            },
          ],
        },
      },
    },
  });
}
