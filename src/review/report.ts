import { stringify } from 'yaml';
import type { FieldChange } from './fields';
import { describeObject } from './objects';
import type { EnvironmentReview, Review, ReviewedObject } from './review';
import type { RiskCategory, RiskFlag, Severity } from './risk';

/** The one line a review without object changes prints. */
export const NO_CHANGE = 'No change to rendered output.';

export interface MarkdownOptions {
  /**
   * Longest report, in characters (a GitHub comment holds 65,536). Above it,
   * the manifests of added and removed objects are left out, then the
   * details of the last objects. @default 60000
   */
  readonly maxChars?: number;
}

const ICON: Record<Severity, string> = { high: '🔴', warning: '🟠', info: '🔵' };
const LABEL: Record<RiskCategory, string> = {
  'production': 'production',
  'deletion': 'deletion',
  'scale-down': 'scale down',
  'resources-down': 'less CPU/memory',
  'image': 'image',
  'rbac': 'RBAC',
  'network-policy': 'network policy',
  'app-project': 'AppProject',
  'secrets': 'secrets',
  'terraform-replace': 'replaces infrastructure',
  'terraform-destroy': 'destroys infrastructure',
  'iam': 'IAM',
  'addon': 'add-on version',
};
const SIGN = { added: '+', changed: '~', removed: '−' } as const;
/** Fields listed outside the fold, at most. */
const INLINE_FIELDS = 8;
/** A one-line value longer than this (an image with its digest is ~150) is shown as a block in the fold. */
const INLINE_VALUE = 240;

/** The review as Markdown for a pull-request comment. Pure. */
export function renderMarkdown(r: Review, options: MarkdownOptions = {}): string {
  const max = options.maxChars ?? 60_000;
  if (!r.changed && r.environments.length === 0) {
    return [NO_CHANGE, ...r.notes.map((n) => `> ${n}`)].join('\n') + '\n';
  }
  let text = render(r, { manifests: true, objectsShown: Infinity, flagsShown: Infinity });
  if (text.length > max) text = render(r, { manifests: false, objectsShown: Infinity, flagsShown: Infinity });
  for (let shown = r.environments.reduce((n, e) => n + e.objects.length, 0); text.length > max && shown > 0; shown = Math.floor(shown / 2)) {
    text = render(r, { manifests: false, objectsShown: Math.floor(shown / 2), flagsShown: Infinity });
  }
  // Last, the risk flags themselves (they come most severe first): a change of hundreds of objects flags hundreds.
  for (let flags = r.flags.length; text.length > max && flags > 0; flags = Math.floor(flags / 2)) {
    text = render(r, { manifests: false, objectsShown: 0, flagsShown: Math.floor(flags / 2) });
  }
  return text;
}

interface Budget {
  readonly manifests: boolean;
  readonly objectsShown: number;
  readonly flagsShown: number;
}

function render(r: Review, budget: Budget): string {
  const out: string[] = [];
  out.push(`### Rendered output: ${code(r.base)} → ${code(r.head)}`, '');
  out.push(r.changed
    ? `**${plural(r.total.added + r.total.changed + r.total.removed, 'object')} change in ${plural(r.environments.filter((e) => e.objects.length > 0).length, 'environment')}**: ${r.total.added} added, ${r.total.changed} changed, ${r.total.removed} removed.`
    : NO_CHANGE);
  out.push('');

  if (r.flags.length > 0) {
    out.push(`#### Risk flags (${r.flags.length})`, '');
    const anchors = new Map(r.environments.flatMap((e) => e.objects.map((o) => [o.key, o.anchor] as const)));
    const envAnchors = new Map(r.environments.map((e) => [e.name, e.anchor]));
    for (const f of r.flags.slice(0, budget.flagsShown)) out.push(flagLine(f, anchors, envAnchors));
    if (r.flags.length > budget.flagsShown) {
      out.push(`- _${r.flags.length - budget.flagsShown} more risk flags not shown to keep this comment within its size limit; run \`npm run diff\` locally for all of them_`);
    }
    out.push('');
  }
  for (const note of r.notes) out.push(`> ${note}`);
  if (r.notes.length > 0) out.push('');

  out.push('| environment | tier | added | changed | removed |', '|---|---|--:|--:|--:|');
  for (const e of r.environments) {
    out.push(`| [${e.name}](#${e.anchor}) | ${e.tier ?? ''}${e.production ? ' ⚠️' : ''} | ${e.added} | ${e.changed} | ${e.removed} |`);
  }
  out.push('');

  let left = budget.objectsShown;
  for (const e of r.environments) {
    out.push(...environmentSection(e, budget, left));
    left = Math.max(0, left - e.objects.length);
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

function flagLine(f: RiskFlag, anchors: ReadonlyMap<string, string>, envAnchors: ReadonlyMap<string, string>): string {
  const anchor = (f.object && anchors.get(f.object)) ?? envAnchors.get(f.environment);
  const what = f.subject ? `[${f.subject}](#${anchor})` : `[${f.environment}](#${anchor})`;
  return `- ${ICON[f.severity]} **${LABEL[f.category]}** · ${f.environment} · ${what}: ${escapeInline(f.message)}`;
}

function environmentSection(e: EnvironmentReview, budget: Budget, left: number): string[] {
  const out: string[] = [];
  out.push(`<a id="${e.anchor}"></a>`, '');
  // A file beside the environments (dist/pipeline.json) belongs to none of them.
  out.push(`#### ${e.name || 'outside the environments'}${e.tier ? ` (${e.tier})` : ''}: ${e.added} added, ${e.changed} changed, ${e.removed} removed`, '');
  if (e.tools.length > 0) {
    out.push(`Rendered with other tools: ${e.tools.map((t) => `${t.tool} ${t.old ?? '(none)'} → ${t.new ?? '(none)'}`).join(', ')}.`, '');
  }
  if (e.objects.length === 0) return out;
  out.push('| kind | added | changed | removed |', '|---|--:|--:|--:|');
  for (const k of e.byKind) out.push(`| ${k.kind} | ${k.added || ''} | ${k.changed || ''} | ${k.removed || ''} |`);
  out.push('');
  e.objects.forEach((o, i) => {
    if (i < left) {
      out.push(...objectSection(o, budget));
    } else if (i === left) {
      out.push(`_${plural(e.objects.length - left, 'more object')} not shown to keep this comment within its size limit: run \`npm run diff\` locally or use \`--format json\`._`, '');
    }
  });
  return out;
}

function objectSection(o: ReviewedObject, budget: Budget): string[] {
  const out: string[] = [`<a id="${o.anchor}"></a>`];
  const where = o.before && o.before.file !== o.file ? `${code(o.before.file)} → ${code(o.file)}` : code(o.file);
  const renamed = o.before && o.before.key !== o.key
    ? ` (was ${o.before.name !== o.name ? code(o.before.name) : ''}${o.before.apiVersion !== o.apiVersion ? code(o.before.apiVersion) : ''})`
    : '';
  out.push(`**${SIGN[o.status]} ${o.status}** ${escapeInline(describeObject(o))}${renamed}${o.app ? ` · app ${code(o.app)}` : ''} · ${where}`, '');
  if (o.status !== 'changed') {
    if (budget.manifests) {
      out.push(fold(o.status === 'added' ? 'manifest' : 'manifest before removal', fence(o.layer === 'file' ? String(o.status === 'added' ? o.new : o.old) : toYaml(o.status === 'added' ? o.new : o.old), o.layer === 'file' ? '' : 'yaml')), '');
    }
    return out;
  }
  if (o.fields.length === 0) {
    out.push('- moved, unchanged', '');
    return out;
  }
  const short = o.fields.filter((f) => !f.textDiff && isShort(f));
  const inline = short.slice(0, INLINE_FIELDS);
  for (const f of inline) out.push(`- ${fieldLine(f)}`);
  const rest = o.fields.filter((f) => !inline.includes(f));
  if (rest.length > 0) {
    if (inline.length > 0) out.push('');
    const body = rest.map(fieldBlock).join('\n\n');
    out.push(fold(`${plural(rest.length, inline.length > 0 ? 'more field' : 'field')}${rest.some((f) => f.textDiff) ? ' (with text diff)' : ''}`, body));
  }
  out.push('');
  return out;
}

function fieldLine(f: FieldChange): string {
  switch (f.change) {
    case 'added': return `${code(f.path)}: added ${code(show(f.new))}`;
    case 'removed': return `${code(f.path)}: removed (was ${code(show(f.old))})`;
    case 'reordered': return `${code(f.path)}: order ${code(show(f.old))} → ${code(show(f.new))}`;
    default: return `${code(f.path)}: ${code(show(f.old))} → ${code(show(f.new))}`;
  }
}

function fieldBlock(f: FieldChange): string {
  if (f.textDiff) return `${code(f.path)} (${f.change}):\n\n${fence(f.textDiff.join('\n'), 'diff')}`;
  if (isShort(f)) return `- ${fieldLine(f)}`;
  const parts = [`${code(f.path)} (${f.change}):`];
  if (f.old !== undefined) parts.push(`before:\n\n${fence(toYaml(f.old), 'yaml')}`);
  if (f.new !== undefined) parts.push(`after:\n\n${fence(toYaml(f.new), 'yaml')}`);
  return parts.join('\n\n');
}

function isShort(f: FieldChange): boolean {
  const fits = (v: unknown) => v === undefined || ((v === null || typeof v !== 'object' || (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object'))) && show(v).length <= INLINE_VALUE && !show(v).includes('\n'));
  return fits(f.old) && fits(f.new);
}

/** A value in one line: strings as they are, anything else as JSON. */
function show(value: unknown): string {
  if (value === undefined) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false }).trimEnd();
}

function fold(summary: string, body: string): string {
  return `<details><summary>${escapeHtml(summary)}</summary>\n\n${body}\n\n</details>`;
}

/** A fenced block whose fence is longer than any run of backticks inside. */
function fence(body: string, lang: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const bar = '`'.repeat(longest + 1);
  return `${bar}${lang}\n${body}\n${bar}`;
}

/** An inline code span that survives backticks in the text. */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const bar = '`'.repeat(longest + 1);
  const pad = longest > 0 || text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${bar}${pad}${text}${pad}${bar}`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Plain text in Markdown: no accidental emphasis or HTML (intraword `_` and unlinked `[x]` are literal in GFM). */
function escapeInline(text: string): string {
  return text.replace(/([\\*<>])/g, '\\$1');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The review as JSON: the same content, for machines. Changed objects carry
 * their field changes, not both whole manifests; added and removed objects
 * carry their manifest.
 */
export function renderJson(r: Review): string {
  const slim = {
    ...r,
    environments: r.environments.map((e) => ({
      ...e,
      objects: e.objects.map(({ old, new: after, ...o }) => ({
        ...o,
        ...(o.status === 'added' ? { manifest: after } : {}),
        ...(o.status === 'removed' ? { manifest: old } : {}),
      })),
    })),
  };
  return `${JSON.stringify(slim, null, 2)}\n`;
}
