#!/usr/bin/env node
// Runs one of the project's TypeScript entry points (`node scripts/run.cjs
// src/main.ts [args...]`) from a prebuilt JavaScript bundle, so that a synth
// does not load a TypeScript loader and transpile or look up dozens of files on
// every run: the example's `npm run synth` goes from about 2.2 s under tsx to
// about 1.3 s.
//
// - The bundle holds our own sources only (src/, environments/, ...); packages
//   in node_modules are required as usual.
// - It is rebuilt (esbuild, ~0.1 s) whenever any of its inputs changed, by
//   content: each input's SHA-256, the file names in every directory an import
//   could have resolved in, the tsconfig, the esbuild version and this file. A
//   stale bundle is never run.
// - `__dirname` and `__filename` keep the values of the source file they are
//   written in, so paths relative to a source file work as under tsx.
// - The entry runs as a module required by this file: its `require.main` is
//   this file, so an entry must run unconditionally (no `require.main === module`).
// - The cache lives in node_modules/.cache/platform-definition (never in Git);
//   PLATFORM_RUN_CACHE moves it. PLATFORM_RUN_TSX=1 runs the entry under tsx
//   instead, for debugging with TypeScript line numbers (or set
//   NODE_OPTIONS=--enable-source-maps: a source map is written beside the bundle).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const FORMAT = 2; // Bump when the bundle's options change: every cached bundle is rebuilt.

function usage(message) {
  process.stderr.write(`scripts/run.cjs: ${message}\nusage: node scripts/run.cjs <entry.ts> [arguments...]\n`);
  process.exit(2);
}

function sha256(data) {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** The project root: the nearest directory above the entry with a package.json. */
function projectRootOf(file) {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.dirname(file);
  }
}

/** Directories where adding or removing a file could change what an input's imports resolve to. */
function watchedDirectories(root, inputs) {
  const dirs = new Set();
  for (const input of inputs) {
    // Not inside node_modules: packages are not bundled, and the cache lives there.
    for (let dir = path.dirname(input); dir.startsWith(root) && !dir.split(path.sep).includes('node_modules'); dir = path.dirname(dir)) {
      if (dirs.has(dir)) break;
      dirs.add(dir);
    }
  }
  return [...dirs].sort();
}

/** What the bundle was built from, as one digest; undefined when an input is gone. */
function fingerprint(root, inputs, esbuildVersion) {
  const hash = crypto.createHash('sha256');
  hash.update(`format ${FORMAT}\nesbuild ${esbuildVersion}\nrunner ${sha256(fs.readFileSync(__filename))}\n`);
  for (const file of ['tsconfig.json', 'tsconfig.dev.json']) {
    const full = path.join(root, file);
    hash.update(`${file} ${fs.existsSync(full) ? sha256(fs.readFileSync(full)) : '-'}\n`);
  }
  try {
    for (const input of [...inputs].sort()) hash.update(`input ${input} ${sha256(fs.readFileSync(input))}\n`);
    for (const dir of watchedDirectories(root, inputs)) hash.update(`dir ${dir} ${fs.readdirSync(dir).sort().join('/')}\n`);
  } catch (err) {
    if (err && (err.code === 'ENOENT' || err.code === 'ENOTDIR')) return undefined;
    throw err;
  }
  return hash.digest('hex');
}

function writeAtomically(file, content) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** esbuild plugin: `__dirname` and `__filename` of the source file, not of the bundle. */
const sourcePaths = {
  name: 'source-paths',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      if (!/\b__(dirname|filename)\b/.test(source)) return { contents: source, loader: 'ts' };
      const prelude = `const __dirname = ${JSON.stringify(path.dirname(args.path))}; const __filename = ${JSON.stringify(args.path)};`;
      // On the first line, so that the source map's line numbers stay those of the file.
      return { contents: `${prelude} ${source}`, loader: 'ts' };
    });
  },
};

async function build(entry, bundle, root) {
  const esbuild = require('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'silent',
    absWorkingDir: root,
    // Packages resolve from the project, wherever the cache is (PLATFORM_RUN_CACHE).
    banner: { js: `var require = require('module').createRequire(${JSON.stringify(path.join(root, 'package.json'))});` },
    plugins: [sourcePaths],
  });
  const inputs = Object.keys(result.metafile.inputs).map((p) => path.resolve(root, p));
  for (const out of result.outputFiles) writeAtomically(out.path, out.contents);
  return { inputs, esbuildVersion: esbuild.version };
}

/** Whether the bundle on disk is the one the manifest was written for (not edited, nor written by another run since). */
function fresh(bundle, manifest) {
  try {
    return sha256(fs.readFileSync(bundle)) === manifest.bundle;
  } catch {
    return false;
  }
}

function cacheDirOf(root) {
  return process.env.PLATFORM_RUN_CACHE ? path.resolve(process.env.PLATFORM_RUN_CACHE) : path.join(root, 'node_modules', '.cache', 'platform-definition');
}

/** The bundle of `entry`, built if missing or stale. */
async function bundleFor(entry, root = projectRootOf(entry), name = path.relative(root, entry).replace(/[\\/]/g, '__').replace(/\.[cm]?ts$/, '')) {
  const cacheDir = cacheDirOf(root);
  const bundle = path.join(cacheDir, `${name}.cjs`);
  const manifestFile = path.join(cacheDir, `${name}.json`);
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  } catch {
    manifest = undefined;
  }
  if (manifest && fresh(bundle, manifest) && fingerprint(root, manifest.inputs, manifest.esbuild) === manifest.fingerprint) return bundle;

  fs.mkdirSync(cacheDir, { recursive: true });
  let built;
  try {
    built = await build(entry, bundle, root);
  } catch (err) {
    // esbuild's own report: file, line and what it could not parse or resolve.
    const errors = (err && err.errors) || [];
    const lines = errors.map((e) => `  ${e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ` : ''}${e.text}`);
    throw new BuildError(`Could not build ${path.relative(process.cwd(), entry)}:\n${lines.join('\n') || `  ${err && err.message}`}`);
  }
  const record = {
    entry,
    inputs: built.inputs,
    esbuild: built.esbuildVersion,
    fingerprint: fingerprint(root, built.inputs, built.esbuildVersion),
    bundle: sha256(fs.readFileSync(bundle)),
  };
  writeAtomically(manifestFile, `${JSON.stringify(record, null, 2)}\n`);
  return bundle;
}

class BuildError extends Error {}

/**
 * For the program it runs: one bundle of several modules, built if missing or
 * stale like an entry's, whose exports are the modules' exports in order. A
 * worker thread loads what it needs this way, without a TypeScript loader.
 */
async function bundleModules(modules, name) {
  const files = modules.map((m) => path.resolve(m));
  const root = projectRootOf(files[0]);
  const cacheDir = cacheDirOf(root);
  fs.mkdirSync(cacheDir, { recursive: true });
  // One bundle per set of modules, so that programs asking for different sets do not rebuild each other's.
  const id = `${name}-${sha256(files.join('\n')).slice(0, 12)}`;
  const entry = path.join(cacheDir, `${id}.entry.cjs`);
  const content = `module.exports = [\n${files.map((f) => `  require(${JSON.stringify(f)}),`).join('\n')}\n];\n`;
  let current;
  try {
    current = fs.readFileSync(entry, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== content) writeAtomically(entry, content);
  return bundleFor(entry, root, id);
}

/** How a program run by this file finds {@link bundleModules}. */
const RUNNER = Symbol.for('platform-definition/run');

async function main() {
  const [entryArg, ...args] = process.argv.slice(2);
  if (!entryArg) usage('no entry point given');
  const entry = path.resolve(entryArg);
  if (!fs.existsSync(entry)) usage(`${entryArg} does not exist`);
  // The entry sees the arguments it would see if run directly: [node, entry, ...args].
  process.argv = [process.argv[0], entry, ...args];
  if (process.env.PLATFORM_RUN_TSX === '1') {
    require('tsx/cjs');
    require(entry);
    return;
  }
  globalThis[RUNNER] = { file: __filename };
  require(await bundleFor(entry));
}

module.exports = { bundleModules };

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(err instanceof BuildError ? `${err.message}\n` : `${(err && err.stack) || err}\n`);
    process.exitCode = 1;
  });
}
