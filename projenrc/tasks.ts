import { DependencyType, YamlFile, javascript, typescript } from 'projen';

/**
 * Tasks, generated files and test wiring of the platform definition.
 * Kept out of .projenrc.ts so that file stays declarative.
 */
export function configurePlatformTasks(project: typescript.TypeScriptProject): void {
  // Tests: transpile with esbuild (no type-check per test file); `tsc --noEmit`
  // type-checks the whole tree once, before jest runs.
  if (project.jest) {
    project.jest.config.transform = { '^.+\\.tsx?$': new javascript.Transform('<rootDir>/test/support/esbuild-transform.js') };
    // No code-coverage and junit reporters by default: they cost time on every run.
    project.jest.config.reporters = ['default'];
  }
  project.testTask.prependExec('tsc --noEmit -p tsconfig.dev.json');

  // eslint-import-resolver-typescript 3.10+ pulls in unrs-resolver, whose
  // platform packages the registry does not all serve (npm ci then fails).
  project.deps.removeDependency('eslint-import-resolver-typescript');
  project.deps.addDependency('eslint-import-resolver-typescript@~3.8.0', DependencyType.BUILD);

  // Lint with the dev tsconfig, which includes tests, scripts and the benchmark.
  const eslintrc = project.tryFindObjectFile('.eslintrc.json');
  eslintrc?.addDeletionOverride('parserOptions.projectService');
  eslintrc?.addOverride('parserOptions.project', './tsconfig.dev.json');

  // projen puts `PATH: $(npx -c "node --print process.env.PATH")` in every
  // task's environment so that a globally installed projen finds local bins.
  // Evaluating it spawns npx on every task run (~0.8 s, more than the example
  // takes to render). The documented entry points (`npm run <task>`, `npx
  // projen <task>`) already put node_modules/.bin on PATH, so drop it.
  project.tryFindObjectFile('.projen/tasks.json')?.addDeletionOverride('env.PATH');

  // Issue #19: the fault-injection tier (Linux, root, strace; a few minutes), outside `npm test`.
  project.addTask('test:faults', {
    description: 'Kill, interrupt and fail synth, promote and codeowners at each rename (strace) and at random moments, run them concurrently '
      + 'and in pid namespaces, and check what the next command leaves (Linux, as root, with strace)',
    exec: 'jest --ci --runInBand --testMatch \'<rootDir>/test/faults/**/*.faults.ts\'',
  });

  // The schemas' precompiled checks: generated code (scripts/generate-schemas.ts), never linted or edited.
  project.gitattributes.addAttributes('/schemas/validators.cjs', 'linguist-generated');
  project.eslint?.addIgnorePattern('schemas/validators.cjs');
  // A frozen copy of the example laid out as a repository of its own (its imports resolve only there): test/docs.
  project.eslint?.addIgnorePattern('test/docs/example/');

  // The main job: render every environment into dist/.
  project.addTask('synth', {
    description: 'Render every environment of the platform into dist/ (atomically; a failed synth leaves dist/ untouched)',
    exec: runTs('src/main.ts'),
    receiveArgs: true,
  });

  // Review: what a change does to the rendered output, and whether dist/ is what the sources render.
  project.addTask('diff', {
    description: 'Compare the rendered output of the working tree with a git ref (--base <ref>) or two rendered trees (--base-dir, --head-dir): Markdown or JSON, with risk flags',
    exec: runTs('src/diff.ts'),
    receiveArgs: true,
  });
  project.addTask('check:drift', {
    description: 'Fail when dist/ differs from a fresh in-memory synth (hand edits, stray or missing files), naming each file, object and field',
    exec: runTs('src/check-drift.ts'),
  });
  // `check` runs every check of rendered output in one process (check:drift, then check:guardrails; both always run).
  project.addTask('check', {
    description: 'Every check of the rendered output in one process: check:drift, then check:guardrails (both run; fails when either fails)',
    exec: runTs('src/check-all.ts'),
  });

  // Issue #7: render time, peak memory and scaling at 10, 100 and 1,000 apps,
  // against plain cdk8s-plus-27 and the YAML floor.
  project.addTask('bench', {
    description: 'Benchmark the renderer at 10, 100 and 1,000 synthetic apps × 3 environments against plain cdk8s and the YAML floor',
    exec: 'node --import tsx bench/bench.ts',
    receiveArgs: true,
  });

  // `npx cdk8s synth`: the CLI empties its own output directory before it runs
  // the app, so it gets a scratch directory; the app writes dist/ itself.
  new YamlFile(project, 'cdk8s.yaml', {
    obj: {
      language: 'typescript',
      app: runTs('src/main.ts'),
      output: 'cdk8s.out',
      imports: [],
      // The guardrails, so that `npx cdk8s synth` enforces them too.
      validations: [{
        package: './plugins/guardrails',
        class: 'PlatformGuardrails',
        version: '1.0.0',
        properties: { outdir: 'cdk8s.out' },
      }],
    },
  });

  // npm prints a banner (`> pkg@version task`) to stdout before every `npm run`; in JSON mode it goes to
  // stderr (npm's lib/utils/display.js), so `npm run promote > body.md` holds only the pull-request body.
  // The cost: npm's own summaries (npm ci, npm ls) print as JSON in this repository.
  project.npmrc.addConfig('json', 'true');

  project.addTask('promote', {
    description: 'Promote apps to the next environment: npm run promote -- <app> --to <env> (or --all --to <env>)',
    exec: runTs('src/promote.ts'),
    receiveArgs: true,
  });

  project.addTask('codeowners', {
    description: 'Write .github/CODEOWNERS from the teams and apps (a test fails when it is out of date)',
    exec: runTs('src/codeowners.ts'),
  });

  // The guardrails over dist/ as it is on disk (hand edits and foreign YAML included).
  project.addTask('check:guardrails', {
    description: 'Run schema validation and platform rules over dist/ as it is on disk',
    exec: runTs('src/check.ts'),
  });

  // Issue #18: checkov (pinned, installed from PyPI into a cached virtualenv outside the repository)
  // over every environment's Terraform JSON and Kubernetes YAML, against a reasoned baseline.
  project.addTask('checkov', {
    description: 'Run checkov over dist/ against conformance/checkov/baseline.yaml (fails on new failures and stale entries); -- --self-test proves it on fixtures',
    exec: runTs('conformance/checkov/run.ts'),
    receiveArgs: true,
  });
  project.eslint?.addLintPattern('conformance');
  // Issue #18: the real judges. A kube-apiserver + etcd built from their Go
  // modules (cached outside the repo) server-side apply every environment.
  // Needs Go; docs/conformance.md says what it checks and why.
  project.addTask('conformance', {
    description: 'Apply every environment of dist/ to a real kube-apiserver + etcd (built from Go modules) in Argo CD order; fail on rejections, warnings and drift (needs Go)',
    exec: 'bash conformance/run.sh',
    receiveArgs: true,
  });
  // Like the entry points below: `npm run conformance` without projen's runner in between.
  project.package.setScript('conformance', 'bash conformance/run.sh');

  // `npm run <task>` runs these entry points directly, without projen's task
  // runner in between (about 0.5 s of every run); `npx projen <task>` runs the
  // same command through it.
  for (const name of ['synth', 'diff', 'check', 'check:drift', 'check:guardrails', 'promote', 'codeowners', 'checkov']) {
    const exec = project.tasks.tryFind(name)?.steps[0]?.exec;
    if (!exec?.startsWith(runTs(''))) throw new Error(`task ${name} does not run an entry point with runTs(): ${exec}`);
    project.package.setScript(name, exec);
  }
}

/**
 * Runs a TypeScript entry point under tsx's loader: no build step to go
 * stale, and stack traces name TypeScript files and lines (tsx turns on
 * source maps). Measured against projen's compile to lib/ in docs/performance.md.
 */
function runTs(file: string): string {
  return `node --import tsx ${file}`;
}
