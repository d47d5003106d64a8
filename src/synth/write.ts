import * as fs from 'fs';
import * as path from 'path';

/** Files to write, keyed by path relative to the output directory (POSIX separators). */
export type FileTree = ReadonlyMap<string, string>;

const STAGING_PREFIX = '.dist-staging-';
const PREVIOUS_PREFIX = '.dist-previous-';

/**
 * Replaces `outDir` with exactly `files`, atomically as far as the file
 * system allows: everything is written to a sibling staging directory first,
 * then swapped in with two renames. A failure before the swap leaves `outDir`
 * as it was; files that are not in `files` (a removed app) disappear.
 */
export function writeTreeAtomically(outDir: string, files: FileTree): void {
  const parent = path.dirname(path.resolve(outDir));
  const base = path.basename(outDir);
  fs.mkdirSync(parent, { recursive: true });
  removeLeftovers(parent, path.resolve(outDir), base);
  const staging = path.join(parent, `${STAGING_PREFIX}${base}-${process.pid}`);
  const previous = path.join(parent, `${PREVIOUS_PREFIX}${base}-${process.pid}`);
  try {
    fs.rmSync(staging, { recursive: true, force: true });
    writeTree(staging, files);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  const target = path.resolve(outDir);
  const hadPrevious = fs.existsSync(target);
  if (hadPrevious) fs.renameSync(target, previous);
  try {
    fs.renameSync(staging, target);
  } catch (err) {
    if (hadPrevious) fs.renameSync(previous, target);
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  if (hadPrevious) fs.rmSync(previous, { recursive: true, force: true });
}

/** Writes `files` under `dir` (not atomically; for scratch directories). */
export function writeTree(dir: string, files: FileTree): void {
  const made = new Set<string>();
  for (const [rel, content] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (rel.startsWith('/') || rel.split('/').includes('..')) {
      throw new Error(`refusing to write outside the output directory: ${JSON.stringify(rel)}`);
    }
    const file = path.join(dir, ...rel.split('/'));
    const folder = path.dirname(file);
    if (!made.has(folder)) {
      fs.mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    fs.writeFileSync(file, content);
  }
  if (files.size === 0) fs.mkdirSync(dir, { recursive: true });
}

/** Reads every file under `dir` into a tree (for checks of what is on disk). */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) files.set(child, fs.readFileSync(path.join(dir, child), 'utf8'));
    }
  };
  if (fs.existsSync(dir)) walk('');
  return files;
}

/**
 * Cleans up after a run that was killed mid-swap: a staging directory is
 * dropped; a previous tree is restored when the output directory is missing
 * (killed between the two renames), else dropped.
 */
function removeLeftovers(parent: string, target: string, base: string): void {
  for (const entry of fs.readdirSync(parent).sort()) {
    const isStaging = entry.startsWith(`${STAGING_PREFIX}${base}-`);
    const isPrevious = entry.startsWith(`${PREVIOUS_PREFIX}${base}-`);
    if (!isStaging && !isPrevious) continue;
    const pid = Number(entry.slice(entry.lastIndexOf('-') + 1));
    if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    const leftover = path.join(parent, entry);
    if (isPrevious && !fs.existsSync(target)) {
      fs.renameSync(leftover, target);
    } else {
      fs.rmSync(leftover, { recursive: true, force: true });
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
