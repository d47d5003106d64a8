import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import type { CheckedStack } from './terraform-rules';
import type { CheckedObject, Manifest } from './types';

/** A file under dist/ that could not be read as Kubernetes objects. */
export interface UnreadableFile {
  readonly file: string;
  readonly problem: string;
}

/**
 * Reads every YAML file of a rendered tree (`dist/`), whoever wrote it — our
 * synth, a hand edit or a foreign tool — as objects to check. The first
 * directory level is the environment. Terraform configurations (`*.tf.json`)
 * are read as stacks; other files are skipped.
 */
export function loadRenderedTree(distDir: string): { objects: CheckedObject[]; stacks: CheckedStack[]; unreadable: UnreadableFile[] } {
  const objects: CheckedObject[] = [];
  const stacks: CheckedStack[] = [];
  const unreadable: UnreadableFile[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(distDir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        walk(child);
        continue;
      }
      if (!entry.isFile()) {
        // Never followed or opened: a link may point anywhere (or nowhere), and a FIFO would block the read.
        const what = entry.isSymbolicLink() ? `a symbolic link (to ${fs.readlinkSync(path.join(distDir, child))})` : 'a special file';
        unreadable.push({ file: child, problem: `is ${what}, not a file: a synth writes files only` });
        continue;
      }
      const [environment, ...rest] = child.split('/');
      if (rest.length > 0 && rest.join('/').endsWith('.tf.json')) {
        try {
          const json = JSON.parse(fs.readFileSync(path.join(distDir, child), 'utf8'));
          stacks.push({ environment, file: rest.join('/'), source: path.relative(process.cwd(), path.join(distDir, child)) || child, json });
        } catch (err) {
          unreadable.push({ file: child, problem: `is not valid JSON: ${(err as Error).message}` });
        }
        continue;
      }
      // Kustomize's own configuration (preview directories) is not an object applied to a cluster.
      if (!/\.ya?ml$/.test(entry.name) || /^kustomization\.ya?ml$/.test(entry.name)) continue;
      if (rest.length === 0) {
        unreadable.push({ file: child, problem: 'is outside any environment directory' });
        continue;
      }
      const text = fs.readFileSync(path.join(distDir, child), 'utf8');
      const docs = parseAllDocuments(text);
      docs.forEach((doc, i) => {
        if (doc.errors.length > 0) {
          unreadable.push({ file: child, problem: `is not valid YAML: ${doc.errors[0].message.split('\n')[0]}` });
          return;
        }
        const manifest = doc.toJS() as Manifest | null;
        if (manifest === null || manifest === undefined) return;
        if (typeof manifest !== 'object' || Array.isArray(manifest) || !manifest.kind || !manifest.apiVersion) {
          unreadable.push({ file: child, problem: `document ${i + 1} is not a Kubernetes object (no apiVersion and kind)` });
          return;
        }
        const shown = path.relative(process.cwd(), path.join(distDir, child)) || child;
        objects.push({ environment, file: rest.join('/'), source: `${shown}${docs.length > 1 ? `#${i + 1}` : ''}`, manifest });
      });
    }
  };
  if (fs.existsSync(distDir)) walk('');
  return { objects, stacks, unreadable };
}
