/**
 * Every TypeScript and JSON example in README.md and docs/ is rendered here,
 * so a broken example fails CI. How an example is written:
 *
 * - A fence names the file the example is, after the language:
 *   ```ts src/apps/payments-api.ts  or  ```json environments/releases/qa.json
 * - The examples of one document are written over a scratch copy of the
 *   example as the docs describe it (test/docs/example/: a frozen copy, so
 *   that a platform team's own changes to src/ and environments/ never break
 *   the docs' tests); what they import from the engine is the repository's.
 * - Apps, teams and environments the examples export are added to that
 *   platform (replacing one of the same name; a new non-production
 *   environment goes before the first production one), which must then
 *   resolve and render with no guardrail error. Each environment gets a
 *   version of each added app it lacks, as a build pipeline would write.
 * - A release file shown replaces that environment's; any other JSON must parse.
 * - A TypeScript example passes the project's lint rules as it is written:
 *   `npm test` would otherwise rewrite (eslint --fix) the file a reader copied.
 * - A TypeScript or JSON fence without a file fails this test.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AppSpec, EnvironmentSpec, PlatformSpec, ReleaseEntry, TeamSpec, Tier, Workload, releaseFile, resolvePlatform } from '../../src/model';
import { renderPlatform } from '../../src/synth';

const ROOT = path.resolve(__dirname, '..', '..');

interface Example {
  readonly doc: string;
  readonly line: number;
  readonly lang: string;
  readonly file?: string;
  readonly code: string;
}

function documents(): string[] {
  const docs = ['README.md'];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.md')) docs.push(rel);
    }
  };
  if (fs.existsSync(path.join(ROOT, 'docs'))) walk('docs');
  return docs.sort();
}

/** The fenced TypeScript and JSON examples of a Markdown document. */
function examplesIn(doc: string): Example[] {
  const lines = fs.readFileSync(path.join(ROOT, doc), 'utf8').split('\n');
  const found: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w+)\s*(\S*)/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && /^\s*```\s*$/.test(l));
    if (end < 0) break;
    const lang = open[2].toLowerCase();
    if (['ts', 'typescript', 'json'].includes(lang)) {
      // Inside a list item the fence is indented; its lines are, by as much.
      const code = lines.slice(i + 1, end).map((l) => (l.startsWith(open[1]) ? l.slice(open[1].length) : l)).join('\n');
      found.push({ doc, line: i + 1, lang: lang === 'typescript' ? 'ts' : lang, file: open[3] || undefined, code });
    }
    i = end;
  }
  return found;
}

const all = documents().flatMap(examplesIn);

test('every TypeScript and JSON example names the file it is', () => {
  expect(all.filter((e) => !e.file).map((e) => `${e.doc}:${e.line} (\`\`\`${e.lang} with no file)`)).toEqual([]);
});

const byDoc = [...new Set(all.filter((e) => e.file).map((e) => e.doc))];
const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

const EXAMPLE = path.join(__dirname, 'example');

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(dir, path.join(prefix, e.name)) : [path.join(prefix, e.name)]));
}

/**
 * The frozen example with a document's examples written over it, in a scratch
 * directory; relative imports of files that are not there (the engine's) point
 * at the repository.
 */
function materialise(examples: readonly Example[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doc-examples-'));
  scratch.push(dir);
  const files = new Map(filesUnder(EXAMPLE).map((f) => [path.normalize(f), fs.readFileSync(path.join(EXAMPLE, f), 'utf8')]));
  for (const e of examples) files.set(path.normalize(e.file!), e.code);
  const exists = (rel: string) => ['', '.ts', '.json', '/index.ts'].some((ext) => files.has(path.normalize(rel + ext)));
  for (const [file, text] of files) {
    const code = !file.endsWith('.ts') ? text : text.replace(/(from\s+|import\s*\(\s*|require\s*\(\s*)'(\.{1,2}\/[^']*)'/g, (m, lead: string, spec: string) => {
      const target = path.join(path.dirname(file), spec);
      return exists(target) ? m : `${lead}'${path.join(ROOT, target)}'`;
    });
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), code);
  }
  return dir;
}

const isApp = (v: unknown): v is AppSpec => !!v && typeof v === 'object' && (v as AppSpec).workload instanceof Workload;
const isEnvironment = (v: unknown): v is EnvironmentSpec => !!v && typeof v === 'object' && (v as EnvironmentSpec).tier instanceof Tier;
const isTeam = (v: unknown): v is TeamSpec => !!v && typeof v === 'object' && typeof (v as TeamSpec).owners === 'string' && !isApp(v);
const isPlatform = (v: unknown): v is PlatformSpec => !!v && typeof v === 'object' && 'organization' in v && 'environments' in v;

/** `base` with each of `added` replacing the one of its name, or placed (at the end, unless `place` says). */
function merge<T extends { readonly name: string }>(
  base: readonly T[], added: readonly T[], place: (list: T[], item: T) => void = (l, x) => l.push(x),
): T[] {
  const list = [...base];
  for (const item of added) {
    const at = list.findIndex((x) => x.name === item.name);
    if (at >= 0) list[at] = item;
    else place(list, item);
  }
  return list;
}

describe.each(byDoc)('the examples of %s', (doc) => {
  const examples = all.filter((e) => e.doc === doc && e.file);

  test('render with the example platform', () => {
    const dir = materialise(examples);
    const exported: unknown[] = [];
    const declaredIn = new Map<object, string>();
    for (const e of examples.filter((x) => x.lang === 'ts')) {
      const module = require(path.join(dir, e.file!)) as Record<string, unknown>; // eslint-disable-line @typescript-eslint/no-require-imports
      for (const value of Object.values(module)) {
        for (const v of Array.isArray(value) ? value : [value]) {
          exported.push(v);
          if (v && typeof v === 'object') declaredIn.set(v, `${doc} (${e.file})`);
        }
      }
    }
    const example = require(path.join(dir, 'src', 'platform.ts')) as { platform: PlatformSpec; extensions: Parameters<typeof renderPlatform>[0]['extensions'] }; // eslint-disable-line @typescript-eslint/no-require-imports
    const base = exported.find(isPlatform) ?? example.platform;
    const apps = merge(base.apps, exported.filter(isApp));
    const added = exported.filter(isApp).map((a) => a.name);
    let environments = merge(base.environments, exported.filter(isEnvironment), (list, env) => {
      const firstProduction = list.findIndex((x) => x.tier.isProduction);
      if (!env.tier.isProduction && firstProduction >= 0) list.splice(firstProduction, 0, env);
      else list.push(env);
    });
    // Versions of the added apps, as a build pipeline writes them.
    environments = environments.map((env) => {
      const content = (env.release.content ?? {}) as { apps?: Record<string, ReleaseEntry> };
      const versions = { ...content.apps };
      for (const name of added) versions[name] ??= { tag: '1.0.0', digest: `sha256:${'0'.repeat(64)}` };
      return { ...env, release: releaseFile(env.release.file, { ...content, apps: versions }) };
    });
    const spec: PlatformSpec = { ...base, apps, environments, teams: merge(base.teams, exported.filter(isTeam)) };
    const rendered = renderPlatform({ platform: spec, extensions: example.extensions });
    expect(resolvePlatform(spec, { declaredIn: (d) => declaredIn.get(d) }).environments.length).toBeGreaterThan(0);
    const deployed = (name: string) => rendered.resolved.environments.filter((env) => env.apps.some((a) => a.name === name)).map((env) => env.name);
    for (const name of added) expect({ app: name, deployed: deployed(name).length > 0 }).toEqual({ app: name, deployed: true });
    const rendersIn = (env: string) => [...rendered.files.keys()].some((f) => f.startsWith(`${env}/`));
    for (const env of exported.filter(isEnvironment)) {
      expect({ environment: env.name, rendered: rendersIn(env.name) }).toEqual({ environment: env.name, rendered: true });
    }
    const teams = rendered.resolved.environments[0].teams.map((t) => t.name);
    for (const team of exported.filter(isTeam)) expect(teams).toContain(team.name);
  });

  const json = examples.filter((e) => e.lang === 'json');
  if (json.length > 0) {
    test.each(json.map((e) => [`${e.file} (line ${e.line})`, e] as const))('%s is valid JSON', (_, e) => {
      expect(() => JSON.parse(e.code)).not.toThrow();
    });
  }
});

/**
 * The project's eslint configuration, for files outside the TypeScript
 * project: without type information (the rules that need it are off), and
 * without import resolution (the scratch copies import the engine by path).
 */
function standaloneLintConfig(): Record<string, unknown> {
  const text = fs.readFileSync(path.join(ROOT, '.eslintrc.json'), 'utf8').split('\n').filter((l) => !l.trim().startsWith('//')).join('\n');
  type Config = { parserOptions?: Record<string, unknown>; rules?: Record<string, unknown>; settings?: unknown; ignorePatterns?: unknown };
  const config = JSON.parse(text) as Config;
  const { project: _project, ...parserOptions } = config.parserOptions ?? {};
  const off = ['@typescript-eslint/no-floating-promises', '@typescript-eslint/return-await', 'import/no-unresolved', 'import/no-extraneous-dependencies'];
  return {
    ...config,
    root: true,
    parser: require.resolve('@typescript-eslint/parser'),
    parserOptions,
    ignorePatterns: [],
    rules: { ...config.rules, ...Object.fromEntries(off.map((r) => [r, 'off'])) },
  };
}

test('every TypeScript example passes the project\'s lint rules as written', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doc-lint-'));
  scratch.push(dir);
  const files = all.filter((e) => e.lang === 'ts' && e.file).map((e, i) => {
    const file = path.join(dir, String(i), e.file!);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${e.code}\n`);
    return { file, where: `${e.doc}:${e.line} (${e.file})` };
  });
  const config = path.join(dir, 'eslintrc.json');
  fs.writeFileSync(config, JSON.stringify(standaloneLintConfig()));
  const eslint = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
  const r = spawnSync(process.execPath, [eslint, '--no-eslintrc', '-c', config, '--resolve-plugins-relative-to', ROOT, '--format', 'json', ...files.map((f) => f.file)], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, ESLINT_USE_FLAT_CONFIG: 'false' }, maxBuffer: 16 * 1024 * 1024,
  });
  type Result = { filePath: string; messages: { line: number; ruleId: string | null; message: string }[] };
  const results = JSON.parse(r.stdout || '[]') as Result[];
  const where = (file: string) => files.find((f) => f.file === file)?.where;
  const problems = results.flatMap((res) => res.messages.map((m) => `${where(res.filePath)} line ${m.line}: ${m.ruleId ?? ''} ${m.message}`));
  expect({ problems, stderr: r.status === 0 || r.status === 1 ? '' : r.stderr }).toEqual({ problems: [], stderr: '' });
  expect(results).toHaveLength(files.length);
});


describe('links between the docs', () => {
  /** Relative Markdown links (not URLs, not in-page anchors), with their lines. */
  function relativeLinks(doc: string): { line: number; target: string }[] {
    const links: { line: number; target: string }[] = [];
    let fenced = false;
    fs.readFileSync(path.join(ROOT, doc), 'utf8').split('\n').forEach((text, i) => {
      if (/^\s*```/.test(text)) fenced = !fenced;
      if (fenced) return;
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1].split('#')[0];
        if (target !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(target)) links.push({ line: i + 1, target });
      }
    });
    return links;
  }

  test.each(documents())('every relative link of %s names a file of the repository', (doc) => {
    const broken = relativeLinks(doc)
      .filter((l) => !fs.existsSync(path.resolve(ROOT, path.dirname(doc), l.target)))
      .map((l) => `${doc}:${l.line}: ${l.target}`);
    expect(broken).toEqual([]);
  });
});
