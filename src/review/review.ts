import { ObjectChange, diffTrees } from './diff';
import { KnownTiers, environmentTiers } from './environments';
import { ParsedTree, compare, isObject, parseTree } from './objects';
import { RiskFlag, assessRisk } from './risk';
import type { FileTree } from '../synth/write';

/** An object change with the anchor of its section in the Markdown report. */
export interface ReviewedObject extends ObjectChange {
  readonly anchor: string;
}

export interface Counts {
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
}

/** The changes of one environment. */
export interface EnvironmentReview extends Counts {
  readonly name: string;
  readonly tier?: string;
  readonly production: boolean;
  /** Where the tier came from: the platform model, the rendered PROVENANCE.json, or the environment's name. */
  readonly tierSource: 'model' | 'provenance' | 'name';
  readonly anchor: string;
  /** Added / changed / removed objects by kind, sorted by kind. */
  readonly byKind: readonly ({ readonly kind: string } & Counts)[];
  /** Sorted by file, then identity: an app's objects together. */
  readonly objects: readonly ReviewedObject[];
  /** Rendering tools whose version differs (from the environments' PROVENANCE.json). */
  readonly tools: readonly { readonly tool: string; readonly old?: string; readonly new?: string }[];
}

/** A review of what changes in the rendered output between two trees. */
export interface Review {
  /** What the base is, e.g. `HEAD~1 (1a2b3c4)`. */
  readonly base: string;
  /** What the head is, e.g. `working tree`. */
  readonly head: string;
  /** Whether any object changes. */
  readonly changed: boolean;
  /** Totals over every environment. */
  readonly total: Counts;
  /** Most severe first. */
  readonly flags: readonly RiskFlag[];
  /** Environments with a change (objects or tools), in promotion order when known, else by name. */
  readonly environments: readonly EnvironmentReview[];
  /** Things the reviewer should know about the comparison itself (how the base was obtained, formatting-only changes). */
  readonly notes: readonly string[];
  /**
   * Apps whose pull-request preview (`<env>/previews/<app>/app/`) this change
   * renders differently, sorted: CI labels the pull request `preview:<app>` for
   * each, which is what the preview ApplicationSets select.
   */
  readonly previews: readonly string[];
}

export interface ReviewInput {
  readonly base: FileTree;
  readonly head: FileTree;
  /** @default 'base' */
  readonly baseLabel?: string;
  /** @default 'head' */
  readonly headLabel?: string;
  /** Tiers from the resolved platform model, in promotion order. @default - from PROVENANCE.json or environment names */
  readonly tiers?: KnownTiers;
  /** Notes to carry into the report. @default [] */
  readonly notes?: readonly string[];
}

/** Compares two rendered trees object by object and flags what is risky. Pure. */
export function review(input: ReviewInput): Review {
  const base = parseTree(input.base);
  const head = parseTree(input.head);
  const changes = diffTrees(base, head);
  const envNames = new Set([...changes.map((c) => c.environment), ...base.provenance.keys(), ...head.provenance.keys()]);
  const known = [...(input.tiers?.keys() ?? [])];
  const order = [...known.filter((e) => envNames.has(e)), ...[...envNames].filter((e) => !known.includes(e)).sort(compare)];
  const tiers = environmentTiers(order, [head, base], input.tiers);
  const flags = assessRisk({ changes, tiers, base, head });

  const used = new Set<string>();
  const environments: EnvironmentReview[] = [];
  for (const env of order) {
    const mine = changes.filter((c) => c.environment === env);
    const tools = toolChanges(base, head, env);
    if (mine.length === 0 && tools.length === 0) continue;
    const tier = tiers.get(env)!;
    const kinds = [...new Set(mine.map((c) => c.kind))].sort(compare);
    environments.push({
      name: env,
      tier: tier.tier,
      production: tier.production,
      tierSource: tier.source,
      anchor: uniqueAnchor(`env-${env}`, used),
      ...count(mine),
      byKind: kinds.map((kind) => ({ kind, ...count(mine.filter((c) => c.kind === kind)) })),
      objects: [...mine]
        .sort((a, b) => compare(a.file, b.file) || compare(a.key, b.key))
        .map((c) => ({ ...c, anchor: uniqueAnchor(`${env}-${c.kind}-${c.namespace ?? ''}-${c.name}`, used) })),
      tools,
    });
  }
  const cosmetic = formattingOnly(input.base, input.head, changes);
  const notes = [...(input.notes ?? [])];
  if (cosmetic.length > 0) {
    notes.push(`${cosmetic.length} file${cosmetic.length === 1 ? '' : 's'} differ${cosmetic.length === 1 ? 's' : ''} only in comments or formatting (no object changes): ${cosmetic.slice(0, 5).join(', ')}${cosmetic.length > 5 ? ', ...' : ''}`);
  }
  return {
    base: input.baseLabel ?? 'base',
    head: input.headLabel ?? 'head',
    changed: changes.length > 0,
    total: count(changes),
    flags,
    environments,
    notes,
    previews: changedPreviews(changes, input.head),
  };
}

// Only the app's part: a preview's namespace is synced from the GitOps branch, whatever the pull request renders.
const PREVIEW_DIR = /^[^/]+\/previews\/([^/]+)\/app\//;

/** Apps with a preview in `head` whose rendered objects change. */
function changedPreviews(changes: readonly ObjectChange[], head: FileTree): string[] {
  const existing = new Set([...head.keys()].map((f) => PREVIEW_DIR.exec(f)?.[1]).filter((a): a is string => a !== undefined));
  const apps = changes.map((c) => PREVIEW_DIR.exec(c.file)?.[1]).filter((a): a is string => a !== undefined && existing.has(a));
  return [...new Set(apps)].sort(compare);
}

function count(changes: readonly ObjectChange[]): Counts {
  const n = (s: ObjectChange['status']) => changes.filter((c) => c.status === s).length;
  return { added: n('added'), changed: n('changed'), removed: n('removed') };
}

/** `prod-deployment-storefront-web`: lower case, [a-z0-9-] only, unique within the report. */
function uniqueAnchor(text: string, used: Set<string>): string {
  const slug = text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'object';
  let anchor = slug;
  for (let n = 2; used.has(anchor); n++) anchor = `${slug}-${n}`;
  used.add(anchor);
  return anchor;
}

function toolChanges(base: ParsedTree, head: ParsedTree, env: string): EnvironmentReview['tools'] {
  const tools = (tree: ParsedTree): Record<string, unknown> | undefined => {
    const p = tree.provenance.get(env);
    return isObject(p) && isObject(p.renderedBy) ? p.renderedBy : undefined;
  };
  const a = tools(base);
  const b = tools(head);
  if (!a || !b) return [];
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compare);
  return names
    .filter((t) => a[t] !== b[t])
    .map((t) => ({ tool: t, old: typeof a[t] === 'string' ? a[t] as string : undefined, new: typeof b[t] === 'string' ? b[t] as string : undefined }));
}

/** Files whose text differs although no object in them does (a comment, quoting, key order). */
function formattingOnly(base: FileTree, head: FileTree, changes: readonly ObjectChange[]): string[] {
  const touched = new Set(changes.flatMap((c) => [c.file, ...(c.before ? [c.before.file] : [])]));
  const files = [...new Set([...base.keys(), ...head.keys()])].sort(compare);
  return files.filter((f) => !touched.has(f) && !f.endsWith('/PROVENANCE.json') && base.get(f) !== head.get(f));
}
