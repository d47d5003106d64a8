import { parseAllDocuments } from 'yaml';
import { PROVENANCE_FILE } from '../synth/provenance';
import type { FileTree } from '../synth/write';

/** Where an object comes from: the Kubernetes manifests Argo CD applies, Terraform JSON, or any other file. */
export type Layer = 'kubernetes' | 'terraform' | 'file';

/**
 * What makes two objects "the same object" across two renders. Kubernetes:
 * environment, apiVersion, kind, namespace, name. Terraform: environment and
 * the block's address (`kind` is `terraform:<type>`, `name` its name).
 */
export interface ObjectId {
  /** The environment directory, e.g. `prod`. */
  readonly environment: string;
  /** `apps/v1`; `terraform` for Terraform blocks; `file` for files that are not objects. */
  readonly apiVersion: string;
  /** `Deployment`; `terraform:google_container_cluster`; `File`. */
  readonly kind: string;
  /** Kubernetes namespace, when the object has one. */
  readonly namespace?: string;
  readonly name: string;
}

/** One object of a rendered tree. */
export interface ReviewObject extends ObjectId {
  /** Identity, unique within a tree: see `objectKey`. */
  readonly key: string;
  readonly layer: Layer;
  /** Path relative to the tree root (`dist/`), e.g. `prod/apps/web/deployment-web.yaml`. */
  readonly file: string;
  /** The object as JSON (for `file` objects: the text). */
  readonly body: unknown;
}

/** A rendered tree, split into objects, plus each environment's provenance record. */
export interface ParsedTree {
  /** Sorted by key. */
  readonly objects: readonly ReviewObject[];
  /** `PROVENANCE.json` of each environment that has one, parsed (undefined when it is not valid JSON). */
  readonly provenance: ReadonlyMap<string, unknown>;
}

/** The identity of an object as one string. */
export function objectKey(id: ObjectId): string {
  return [id.environment, id.apiVersion, id.kind, id.namespace ?? '', id.name].join('|');
}

/** How a person names the object: `Deployment storefront/web`, `google_container_cluster.primary`, `File notes.txt`. */
export function describeObject(id: ObjectId): string {
  if (id.apiVersion === TERRAFORM) return `${id.kind.slice(TERRAFORM_KIND.length)}.${id.name}`;
  return `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
}

const TERRAFORM = 'terraform';
const TERRAFORM_KIND = 'terraform:';

/** Whether the object is a Terraform block; its type is `kind` without the `terraform:` prefix. */
export function terraformType(id: ObjectId): string | undefined {
  return id.apiVersion === TERRAFORM ? id.kind.slice(TERRAFORM_KIND.length) : undefined;
}

/**
 * Splits a rendered tree (keys relative to `dist/`, first segment the
 * environment) into objects: each YAML document with a kind and a name is a
 * Kubernetes object; each block of a Terraform JSON file (`*.tf.json`, or
 * `*.json` under a `terraform/` directory) is a Terraform object; any other
 * file, or one that does not parse, is one `File` object holding its text.
 * Pure.
 */
export function parseTree(files: FileTree): ParsedTree {
  const objects: ReviewObject[] = [];
  const provenance = new Map<string, unknown>();
  for (const [file, text] of [...files].sort(([a], [b]) => compare(a, b))) {
    const slash = file.indexOf('/');
    const environment = slash > 0 ? file.slice(0, slash) : '';
    const rel = slash > 0 ? file.slice(slash + 1) : file;
    if (rel === PROVENANCE_FILE) {
      provenance.set(environment, parseJson(text));
      continue;
    }
    const parsed = isTerraformFile(rel) ? terraformObjects(environment, file, text) : /\.ya?ml$/.test(rel) ? kubernetesObjects(environment, file, text) : undefined;
    objects.push(...(parsed ?? [fileObject(environment, file, rel, text)]));
  }
  // Two documents with the same identity (a hand edit can do that): keep both, told apart by file.
  const seen = new Map<string, number>();
  const unique = objects.map((o) => {
    const n = seen.get(o.key) ?? 0;
    seen.set(o.key, n + 1);
    return n === 0 ? o : { ...o, key: `${o.key}|${o.file}#${n}` };
  });
  return { objects: unique.sort((a, b) => compare(a.key, b.key)), provenance };
}

function isTerraformFile(rel: string): boolean {
  return rel.endsWith('.tf.json') || (rel.endsWith('.json') && rel.split('/').includes('terraform'));
}

function kubernetesObjects(environment: string, file: string, text: string): ReviewObject[] | undefined {
  let docs;
  try {
    docs = parseAllDocuments(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(docs)) return undefined;
  const out: ReviewObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) return undefined;
    const body: unknown = doc.toJS({ maxAliasCount: -1 });
    if (body === null || body === undefined) continue;
    const m = body as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
    if (!isObject(body) || typeof m.kind !== 'string' || typeof m.metadata?.name !== 'string') return undefined;
    const id: ObjectId = {
      environment,
      apiVersion: typeof m.apiVersion === 'string' ? m.apiVersion : '',
      kind: m.kind,
      namespace: typeof m.metadata.namespace === 'string' && m.metadata.namespace !== '' ? m.metadata.namespace : undefined,
      name: m.metadata.name,
    };
    out.push({ ...id, key: objectKey(id), layer: 'kubernetes', file, body });
  }
  return out;
}

/**
 * Terraform JSON: `resource.<type>.<name>` is kind `terraform:<type>`;
 * `data.<type>.<name>` is `terraform:data.<type>`; a provider is
 * `terraform:provider.<type>` named by its alias (`default` without one);
 * outputs, variables and modules are `terraform:output` (etc.) by name;
 * `locals`, `terraform` (backend, required providers) and cdktf's `//`
 * metadata are one object each.
 */
function terraformObjects(environment: string, file: string, text: string): ReviewObject[] | undefined {
  const json = parseJson(text);
  if (!isObject(json)) return undefined;
  const out: ReviewObject[] = [];
  const add = (kind: string, name: string, body: unknown) => {
    const id: ObjectId = { environment, apiVersion: TERRAFORM, kind: `${TERRAFORM_KIND}${kind}`, name };
    out.push({ ...id, key: objectKey(id), layer: 'terraform', file, body });
  };
  for (const [block, value] of Object.entries(json)) {
    if ((block === 'resource' || block === 'data') && isObject(value)) {
      for (const [type, named] of Object.entries(value)) {
        if (!isObject(named)) {
          add(block === 'data' ? `data.${type}` : type, '(invalid)', named);
          continue;
        }
        for (const [name, body] of Object.entries(named)) add(block === 'data' ? `data.${type}` : type, name, body);
      }
    } else if (block === 'provider' && isObject(value)) {
      for (const [type, configs] of Object.entries(value)) {
        for (const config of Array.isArray(configs) ? configs : [configs]) {
          const alias = isObject(config) && typeof config.alias === 'string' ? config.alias : 'default';
          add(`provider.${type}`, alias, config);
        }
      }
    } else if ((block === 'output' || block === 'variable' || block === 'module') && isObject(value)) {
      for (const [name, body] of Object.entries(value)) add(block, name, body);
    } else {
      add(block === '//' ? 'metadata' : block, block, value);
    }
  }
  return out;
}

function fileObject(environment: string, file: string, rel: string, text: string): ReviewObject {
  const id: ObjectId = { environment, apiVersion: 'file', kind: 'File', name: rel };
  return { ...id, key: objectKey(id), layer: 'file', file, body: text };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Code-unit order, the same on every machine (unlike `localeCompare`). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
