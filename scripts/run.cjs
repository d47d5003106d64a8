#!/usr/bin/env node
// Runs one of the project's TypeScript entry points (`node scripts/run.cjs
// src/main.ts [args...]`) from a prebuilt JavaScript bundle, so that a synth
// does not load a TypeScript loader and transpile or look up dozens of files on
// every run: the example's `npm run synth` goes from about 2.2 s under tsx to
// about 1.5 s.
//
// - The bundle holds our own sources only (src/, environments/, ...); packages
//   in node_modules are required as usual, resolved from the project.
// - It is reused only while it is exactly what its inputs build: the manifest
//   beside it records the SHA-256 of the bytes esbuild read for every input,
//   the file names in every directory an import could have resolved in, the
//   tsconfig and package.json files (and every configuration a tsconfig
//   `extends`, inside the project or not), esbuild, Node's major, this file, the
//   project root and the entry (symbolic links count as their targets). A
//   build during which an input, a configuration file or one of those
//   directories changed records no manifest, so the next run builds again.
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

const FORMAT = 4; // Bump when the bundle's options change: every cached bundle is rebuilt.

/**
 * A directory or configuration file changed (ctime, by the file system's clock)
 * less than this long before a build began may have changed during it.
 * PLATFORM_RUN_QUIET_MS overrides it (tests).
 */
const QUIET_MS = Number(process.env.PLATFORM_RUN_QUIET_MS ?? 2000);

class BuildError extends Error {}

function usage(message) {
  process.stderr.write(`scripts/run.cjs: ${message}\nusage: node scripts/run.cjs <entry.ts> [arguments...]\n`);
  process.exit(2);
}

function sha256(data) {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** The project root: the nearest directory above the file with a package.json. */
function projectRootOf(file) {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.dirname(file);
  }
}

function isInside(dir, root) {
  return dir === root || dir.startsWith(root.endsWith(path.sep) ? root : `${root}${path.sep}`);
}

/** Directories where adding or removing a file could change what an input's imports resolve to. */
function watchedDirectories(root, inputs) {
  const dirs = new Set();
  for (const input of inputs) {
    // Not inside node_modules: packages are not bundled, and the cache lives there.
    for (let dir = path.dirname(input); isInside(dir, root) && !dir.split(path.sep).includes('node_modules'); dir = path.dirname(dir)) {
      if (dirs.has(dir)) break;
      dirs.add(dir);
      if (dir === root) break;
    }
  }
  return [...dirs].sort();
}

/**
 * Files outside the bundle that change how it is built: configuration in the
 * directories it resolved in (and every file a tsconfig `extends`, wherever
 * it is), esbuild, this file. `unresolved` lists each configuration whose
 * `extends` cannot be found nor watched for (`{ file, problem }`): such a
 * build is never reused.
 */
function configFiles(root, dirs) {
  const files = new Set([__filename, require.resolve('esbuild/package.json')]);
  try {
    for (const name of fs.readdirSync(root)) if (/^[jt]sconfig.*\.json$/.test(name)) files.add(path.join(root, name));
  } catch {
    // a root that is gone fails later, where its inputs are read
  }
  for (const dir of dirs) for (const name of ['tsconfig.json', 'jsconfig.json', 'package.json']) files.add(path.join(dir, name));
  const unresolved = [];
  const followed = new Set(); // a base several configurations extend is read once
  // What they extend changes the build as much as they do, wherever it lives (a shared base outside the project, a package).
  for (const file of [...files]) if (/^[jt]sconfig.*\.json$/.test(path.basename(file))) addExtended(file, files, unresolved, followed);
  return { files: [...files].sort(), unresolved };
}

function isFile(file) {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Adds every file that could be what `file` extends (`"extends"`: a string
 * or a list), transitively. Over-approximates on purpose: each candidate
 * TypeScript or esbuild might pick is hashed (a missing one as missing, so
 * that creating it rebuilds), and each one that exists is followed.
 */
function addExtended(file, files, unresolved, followed) {
  if (followed.has(file) || !isFile(file)) return;
  followed.add(file);
  let config;
  try {
    config = parseJsonc(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    unresolved.push({ file, problem: `cannot be read (${err.message}), so what it extends is unknown` });
    return;
  }
  const specs = config && typeof config === 'object' && !Array.isArray(config) ? [].concat(config.extends ?? []) : [];
  for (const spec of specs) {
    if (typeof spec !== 'string') continue;
    const candidates = extendsCandidates(spec, path.dirname(file));
    if (candidates === undefined) {
      unresolved.push({ file, problem: `extends ${JSON.stringify(spec)}, which resolves to no installed package` });
      continue;
    }
    for (const candidate of candidates) {
      files.add(candidate);
      if (path.basename(candidate) !== 'package.json') addExtended(candidate, files, unresolved, followed);
    }
  }
}

/**
 * The files TypeScript or esbuild may take for what `extends` names, from the
 * configuration's directory `dir`: for a path, the path and the path with
 * `.json`; for a package's configuration, what Node resolves the name to
 * (`exports` included), the name with `.json` or `/tsconfig.json`, and in the
 * package's directory its package.json, its `tsconfig` field or
 * tsconfig.json, or the subpath itself, with `.json` or with `/tsconfig.json`.
 * Undefined when no such package is installed.
 */
function extendsCandidates(spec, dir) {
  if (spec.startsWith('./') || spec.startsWith('../') || path.isAbsolute(spec)) {
    const file = path.resolve(dir, spec);
    return file.endsWith('.json') ? [file] : [file, `${file}.json`];
  }
  const found = [];
  for (const request of [spec, `${spec}.json`, `${spec}/tsconfig.json`]) {
    try {
      const resolved = require.resolve(request, { paths: [dir] });
      if (resolved.endsWith('.json')) found.push(resolved);
    } catch {
      // not this one
    }
  }
  const parts = spec.split('/');
  const nameParts = spec.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameParts).join('/');
  const sub = parts.slice(nameParts).join('/');
  for (let at = dir; ; at = path.dirname(at)) {
    const packageDir = path.join(at, 'node_modules', name);
    const manifest = path.join(packageDir, 'package.json');
    if (isFile(manifest)) {
      found.push(manifest);
      if (sub) {
        found.push(path.join(packageDir, sub), path.join(packageDir, `${sub}.json`), path.join(packageDir, sub, 'tsconfig.json'));
      } else {
        let field;
        try {
          field = parseJsonc(fs.readFileSync(manifest, 'utf8')).tsconfig;
        } catch {
          // no usable field
        }
        if (typeof field === 'string') found.push(path.join(packageDir, field));
        found.push(path.join(packageDir, 'tsconfig.json'));
      }
      break;
    }
    if (path.dirname(at) === at) break;
  }
  return found.length > 0 ? [...new Set(found)] : undefined;
}

/** JSON with comments and trailing commas (and a byte order mark), as tsconfig files are written. */
function parseJsonc(source) {
  const text = source.replace(/^\uFEFF/, '');
  let out = '';
  let lastSignificant = -1; // index in `out` of the last character that is not white space
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
      lastSignificant = out.length - 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
      out += ' ';
    } else {
      // A comma just before a closing bracket (white space and comments between) is left out.
      if ((c === '}' || c === ']') && out[lastSignificant] === ',') out = out.slice(0, lastSignificant) + out.slice(lastSignificant + 1);
      out += c;
      if (!/\s/.test(c)) lastSignificant = out.length - 1;
    }
  }
  return JSON.parse(out);
}

/** `read()`, or `-` when the file or directory it reads does not exist (any other error is thrown). */
function orMissing(read) {
  try {
    return read();
  } catch (err) {
    if (err && (err.code === 'ENOENT' || err.code === 'ENOTDIR' || err.code === 'EISDIR')) return '-';
    throw err;
  }
}

/** SHA-256 of each file as it is on disk now; `-` for a file that does not exist. */
function hashesOnDisk(files) {
  return Object.fromEntries(files.map((file) => [file, orMissing(() => sha256(fs.readFileSync(file)))]));
}

/** Each directory's entries; a symbolic link as `name->target`, so that repointing it is a change. */
function listingsOnDisk(dirs) {
  const entriesOf = (dir) => fs.readdirSync(dir, { withFileTypes: true })
    .map((e) => (e.isSymbolicLink() ? `${e.name}->${fs.readlinkSync(path.join(dir, e.name))}` : e.name))
    .sort()
    .join('/');
  return Object.fromEntries(dirs.map((dir) => [dir, orMissing(() => entriesOf(dir))]));
}

/** One digest of everything a bundle depends on. */
function fingerprint({ root, entry, esbuild, hashes, listings }) {
  const hash = crypto.createHash('sha256');
  hash.update(`format ${FORMAT}\nroot ${root}\nentry ${entry}\nesbuild ${esbuild}\nnode ${process.versions.node.split('.')[0]}\n`);
  for (const file of Object.keys(hashes).sort()) hash.update(`file ${file} ${hashes[file]}\n`);
  for (const dir of Object.keys(listings).sort()) hash.update(`dir ${dir} ${listings[dir]}\n`);
  return hash.digest('hex');
}

function writeAtomically(file, content) {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

const LOADERS = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.cjs': 'js', '.mjs': 'js', '.jsx': 'jsx', '.json': 'json' };

/**
 * esbuild plugin: records the SHA-256 of the bytes esbuild builds from (not
 * a second read, which an edit during the build could make differ), and
 * keeps `__dirname` and `__filename` of each source file.
 */
function loading(loaded, preludes) {
  return {
    name: 'loading',
    setup(build) {
      build.onLoad({ filter: /.*/ }, (args) => {
        const bytes = fs.readFileSync(args.path);
        loaded[args.path] = sha256(bytes);
        if (process.env.PLATFORM_RUN_TEST_LOAD_DELAY_MS) {
          // For tests only: say what was read, then wait, so that a test can edit the file during the build.
          process.stderr.write(`test: read ${args.path}\n`);
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.env.PLATFORM_RUN_TEST_LOAD_DELAY_MS));
        }
        const loader = LOADERS[path.extname(args.path)];
        if (!loader) return undefined; // esbuild's own loader for the extension (it then reads the file itself)
        let contents = bytes.toString('utf8');
        if (loader !== 'json' && /\b__(dirname|filename)\b/.test(contents)) {
          // On the first line, so that the source map's line numbers stay those of the file.
          const prelude = `const __dirname = ${JSON.stringify(path.dirname(args.path))}; const __filename = ${JSON.stringify(args.path)}; `;
          preludes[args.path] = prelude.length;
          contents = prelude + contents;
        }
        return { contents, loader };
      });
    },
  };
}

/** esbuild's errors as `file:line:column: text`, columns counted from 1 as editors do. */
function buildErrorMessage(entry, err, root, preludes) {
  const errors = (err && err.errors) || [];
  const lines = errors.map((e) => {
    const l = e.location;
    if (!l) return `  ${e.text}`;
    const file = path.resolve(root, l.file);
    // esbuild counts columns in bytes; editors in characters.
    let column = typeof l.lineText === 'string' ? Buffer.from(l.lineText).subarray(0, l.column).toString('utf8').length : l.column;
    if (l.line === 1 && preludes[file]) column = Math.max(0, column - preludes[file]);
    // A relative import of a file that is not there: an environment or app file not created yet, or renamed.
    const missing = /^Could not resolve "(\.{1,2}\/[^"]*)"$/.exec(e.text);
    const hint = missing
      ? `\n    fix: create ${path.relative(process.cwd(), path.resolve(path.dirname(file), missing[1]))}.ts, or correct the import in ${path.relative(process.cwd(), file)}`
      : '';
    return `  ${path.relative(process.cwd(), file)}:${l.line}:${column + 1}: ${e.text}${hint}`;
  });
  return `Could not build ${path.relative(process.cwd(), entry)}:\n${lines.join('\n') || `  ${err && err.message}`}`;
}

/** Now, by the clock of the file system the cache is on (the sources' clock, usually), not this machine's. */
function fileSystemNow(cacheDir) {
  const marker = path.join(cacheDir, `.clock-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
  fs.writeFileSync(marker, '');
  try {
    return fs.statSync(marker).mtimeMs;
  } finally {
    fs.rmSync(marker, { force: true });
  }
}

async function build(entry, bundle, root, cacheDir) {
  const esbuild = require('esbuild');
  const loaded = {};
  const preludes = {};
  const startedAt = fileSystemNow(cacheDir);
  let result;
  try {
    result = await esbuild.build({
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
      // Strict, as the sources are (ES modules) under tsx and in the tests; packages resolve from the project, wherever the cache is.
      banner: { js: `'use strict';\nvar require = require('module').createRequire(${JSON.stringify(path.join(root, 'package.json'))});` },
      plugins: [loading(loaded, preludes)],
    });
  } catch (err) {
    throw new BuildError(buildErrorMessage(entry, err, root, preludes));
  }
  const inputs = Object.keys(result.metafile.inputs).map((p) => path.resolve(root, p));
  // Inputs esbuild read itself (no loader of ours): hashed from disk, checked below like the rest.
  Object.assign(loaded, hashesOnDisk(inputs.filter((f) => !(f in loaded))));
  return { outputs: result.outputFiles, inputs, loaded, startedAt, esbuild: esbuild.version };
}

function readManifest(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Whether the manifest describes this entry's bundle on disk, built from the files as they are now. */
function isFresh(manifest, { entry, root, cacheDir }) {
  if (!manifest || manifest.format !== FORMAT || manifest.entry !== entry || manifest.root !== root || typeof manifest.bundle !== 'string') return false;
  const bundle = path.join(cacheDir, manifest.bundle);
  if (hashesOnDisk([bundle])[bundle] !== manifest.bundleSha256) return false;
  const dirs = watchedDirectories(root, manifest.inputs);
  const configs = configFiles(root, dirs);
  if (configs.unresolved.length > 0) return false;
  const hashes = hashesOnDisk([...manifest.inputs, ...configs.files]);
  return fingerprint({ root, entry, esbuild: manifest.esbuild, hashes, listings: listingsOnDisk(dirs) }) === manifest.fingerprint;
}

function cacheDirOf(root) {
  return process.env.PLATFORM_RUN_CACHE ? path.resolve(process.env.PLATFORM_RUN_CACHE) : path.join(root, 'node_modules', '.cache', 'platform-definition');
}

/**
 * The source map with absolute source paths: Node resolves relative ones from
 * the map's real location, which is another checkout's when node_modules is a
 * symbolic link to it.
 */
function absoluteSources(map) {
  const json = JSON.parse(Buffer.from(map.contents).toString('utf8'));
  json.sources = (json.sources || []).map((s) => path.resolve(path.dirname(map.path), s));
  return JSON.stringify(json);
}

/** Removes this entry's older bundles (a run that loaded one has it in memory already). */
function pruneBundles(cacheDir, id, keep) {
  const old = Date.now() - 10 * 60 * 1000;
  for (const name of fs.readdirSync(cacheDir)) {
    if (!name.startsWith(`${id}.`) || !name.endsWith('.cjs') || name === keep || name.endsWith('.entry.cjs')) continue;
    try {
      if (fs.statSync(path.join(cacheDir, name)).mtimeMs < old) fs.rmSync(path.join(cacheDir, name), { force: true });
    } catch {
      // another run pruned it
    }
  }
}

/**
 * The bundle of `entry`, built if missing or stale; with the hashes of the
 * inputs and configuration it was built from.
 */
async function bundleFor(entry, root = projectRootOf(entry), name = path.relative(root, entry).replace(/[\\/]/g, '__')) {
  const cacheDir = cacheDirOf(root);
  // Keyed by the project too: two checkouts sharing node_modules or a cache never share a bundle.
  const id = `${name}-${sha256(`${root}\n${entry}`).slice(0, 12)}`;
  const manifestFile = path.join(cacheDir, `${id}.json`);
  const manifest = readManifest(manifestFile);
  if (isFresh(manifest, { entry, root, cacheDir })) return { bundle: path.join(cacheDir, manifest.bundle), hashes: manifest.hashes, inputs: manifest.inputs };

  fs.mkdirSync(cacheDir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const once = () => build(entry, path.join(cacheDir, `${id}.cjs`), root, cacheDir);
    // A checkout or a save in progress can make a file briefly missing: on the first attempt, try once more before reporting.
    const built = await once().catch(async (err) => {
      if (!(err instanceof BuildError) || attempt > 1) throw err;
      await new Promise((resolve) => setTimeout(resolve, 300));
      return once();
    });
    const code = built.outputs.find((o) => o.path.endsWith('.cjs'));
    const codeSha = sha256(code.contents);
    // Content-addressed: a run loads exactly the bundle it built or checked, whatever other runs write meanwhile.
    const file = `${id}.${codeSha.slice(0, 16)}.cjs`;
    for (const out of built.outputs) writeAtomically(out === code ? path.join(cacheDir, file) : out.path, out === code ? out.contents : absoluteSources(out));
    // Record a manifest only for a build that is a snapshot of the disk: every input still holds the bytes
    // esbuild read, and no directory it resolved in nor configuration file changed since shortly before it began.
    const changed = Object.entries(hashesOnDisk(built.inputs)).filter(([f, hash]) => built.loaded[f] !== hash);
    if (changed.length > 0 && attempt < 3) continue; // an edit landed during the build: build again from the new bytes
    const dirs = watchedDirectories(root, built.inputs);
    const { files: configs, unresolved } = configFiles(root, dirs);
    const listings = listingsOnDisk(dirs); // before the ctime check: a change after it is seen by the next run
    const configHashes = hashesOnDisk(configs);
    const quiet = [...dirs, ...configs.filter((f) => configHashes[f] !== '-')].every((f) => {
      try {
        return fs.statSync(f).ctimeMs < built.startedAt - QUIET_MS;
      } catch {
        return false;
      }
    });
    const hashes = { ...built.loaded, ...configHashes };
    if (unresolved.length > 0) {
      const { file: config, problem } = unresolved[0];
      process.stderr.write(`Note: ${path.relative(process.cwd(), config)} ${problem}: the bundle is built again on every run until that is fixed.\n`);
    }
    if (changed.length === 0 && quiet && unresolved.length === 0) {
      const record = {
        format: FORMAT,
        entry,
        root,
        inputs: built.inputs,
        esbuild: built.esbuild,
        hashes,
        fingerprint: fingerprint({ root, entry, esbuild: built.esbuild, hashes, listings }),
        bundle: file,
        bundleSha256: codeSha,
      };
      writeAtomically(manifestFile, `${JSON.stringify(record, null, 2)}\n`);
    } else {
      fs.rmSync(manifestFile, { force: true });
      if (changed.length > 0) process.stderr.write(`Note: ${path.relative(process.cwd(), changed[0][0])} kept changing while it was built; this run uses the version read last.\n`);
    }
    pruneBundles(cacheDir, id, file);
    return { bundle: path.join(cacheDir, file), hashes, inputs: built.inputs };
  }
}

/**
 * For the program it runs: one bundle of several modules, built if missing or
 * stale like an entry's, whose exports are the modules' exports in order. A
 * worker thread loads what it needs this way, without a TypeScript loader.
 * With `expected` (the hashes the calling program was built from), refuses a
 * bundle built from a different version of any file they share: the sources
 * changed while the program ran.
 */
async function bundleModules(modules, name, expected = {}) {
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
  const { bundle, hashes, inputs } = await bundleFor(entry, root, id);
  // Every source of this bundle but its generated entry must be one the caller was built from, in the same
  // version; so must every configuration file both were built with.
  const checked = Object.keys(expected).length > 0;
  const differing = !checked ? [] : Object.keys(hashes).filter((f) => f !== entry && (inputs.includes(f) || f in expected) && expected[f] !== hashes[f]);
  if (differing.length > 0) {
    throw new Error(`the sources changed while this command ran (${differing.map((f) => path.relative(root, f)).join(', ')}): run it again`);
  }
  return bundle;
}

/** How a program run by this file finds {@link bundleModules} and the hashes of its own sources. */
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
  const { bundle, hashes } = await bundleFor(entry);
  globalThis[RUNNER] = { file: __filename, hashes };
  try {
    require(bundle);
  } catch (err) {
    // Thrown while the sources load (a declaration that throws, say): its stack points into the bundle.
    process.stderr.write(`${(err && err.stack) || err}\n\n`
      + `(Stack lines point into ${path.relative(process.cwd(), bundle)}. For TypeScript files and lines, run again with PLATFORM_RUN_TSX=1.)\n`);
    process.exitCode = 1;
  }
}

module.exports = { bundleModules };

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(err instanceof BuildError ? `${err.message}\n` : `${(err && err.stack) || err}\n`);
    process.exitCode = 1;
  });
}
