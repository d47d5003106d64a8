/** Secrets: none committed in Git, and External Secrets' stores read only their own app's. */
import { name, ns } from './kubernetes-rule-helpers';
import { containers, podTemplate } from './pods';
import type { Finding, Rule } from './types';

/* eslint-disable @typescript-eslint/no-explicit-any */

const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH)/i;
const SECRET_VALUE = [
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: 'a PEM private key' },
  { pattern: /\bAKIA[0-9A-Z]{16}\b/, what: 'an AWS access key id' },
  { pattern: /"private_key"\s*:\s*"-----BEGIN/, what: 'a Google service account key' },
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/, what: 'a GitHub token' },
  { pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/, what: 'a Slack token' },
  { pattern: /\bAIza[0-9A-Za-z_-]{35}\b/, what: 'a Google API key' },
  // Quantifiers are bounded: an unbounded prefix backtracks quadratically on long values.
  { pattern: /\b[a-z][a-z0-9+.-]{0,20}:\/\/[^\s/:@]{1,128}:[^\s/@]{1,256}@/i, what: 'a URL with a password' },
];
// A value starting with `$` is Argo CD's reference to a key of its Secrets (`token: $slack-token`), not a secret:
// argo-cd docs/operator-manual/notifications/services/slack.md, docs/operator-manual/user-management/index.md ("$<key>").
const CONFIG_SECRET_LINE = /^[ \t]{0,32}["']?[\w.-]{0,64}(password|passwd|secret|token|api_?key|private_?key)["']?[ \t]{0,8}[:=][ \t]{0,8}["']?(?!\$)([^"'\s#]{6,})/im;

/** Whether an env value with a secret-sounding name is a literal secret (not empty, not a path or a reference). */
function looksLiteralSecret(value: string): boolean {
  return value.length >= 6 && !value.startsWith('/') && !/^\$\(.+\)$/.test(value) && !/^(true|false|enabled|disabled|none|null)$/i.test(value)
    && !/^https?:\/\/[^@]*$/.test(value) && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(value);
}

function secretInText(text: string): string | undefined {
  return SECRET_VALUE.find((s) => s.pattern.test(text))?.what;
}

export const noSecretData: Rule = {
  id: 'no-secret-data',
  severity: 'error',
  scope: 'all',
  summary: 'no Secret with data may be committed: secrets come from Secret Manager through External Secrets',
  rationale: 'anything in Git is readable by everyone with repository access, forever (history keeps it)',
  fix: 'declare secrets: [{ name, envVar }] (or { name, file }) on the app and put the value in GCP Secret Manager',
  equivalents: ['kube-linter: (none; GitOps secret management)', 'Polaris: (none)', 'Kyverno: (none; use policy on Secret creation)'],
  check(object) {
    if (object.manifest.kind !== 'Secret') return [];
    return ['data', 'stringData']
      .filter((f) => object.manifest[f] && Object.keys(object.manifest[f] as object).length > 0)
      .map((f) => ({ path: f, value: Object.keys(object.manifest[f] as object), message: `carries ${f}` }));
  },
};

export const noSecretLookingValues: Rule = {
  id: 'no-secret-looking-values',
  severity: 'error',
  scope: 'all',
  summary: 'environment variables and ConfigMaps must not hold secret-looking values',
  rationale: 'a password in an env var or a ConfigMap is a secret in Git',
  fix: 'move the value to GCP Secret Manager and reference it with secrets: [{ name, envVar }] (or { name, file })',
  equivalents: ['kube-linter: env-var-secret', 'Polaris: (none)', 'Kyverno: secrets-not-from-env-vars (related)'],
  check(object) {
    const out: Finding[] = [];
    const template = podTemplate(object.manifest);
    if (template) {
      for (const c of containers(template)) {
        (Array.isArray(c.container.env) ? c.container.env : []).forEach((e: any, i: number) => {
          if (typeof e?.value !== 'string') return;
          const found = secretInText(e.value);
          if (found) {out.push({ path: `${c.path}.env[${i}].value`, value: `${e.name}=<redacted>`, message: `looks like ${found}` });} else if (SECRET_NAME.test(String(e.name)) && looksLiteralSecret(e.value)) {
            out.push({ path: `${c.path}.env[${i}].value`, value: `${e.name}=<redacted>`, message: `${e.name} holds a literal value` });
          }
        });
      }
    }
    if (object.manifest.kind === 'ConfigMap') {
      for (const [key, value] of Object.entries((object.manifest.data as Record<string, unknown>) ?? {})) {
        if (typeof value !== 'string') continue;
        const found = secretInText(value);
        if (found) {out.push({ path: `data.${key}`, value: '<redacted>', message: `looks like ${found}` });} else if (CONFIG_SECRET_LINE.test(value) || (SECRET_NAME.test(key) && looksLiteralSecret(value))) {
          out.push({ path: `data.${key}`, value: '<redacted>', message: 'holds what looks like a password or token' });
        }
      }
    }
    return out;
  },
};

export const secretStoreOwnServiceAccount: Rule = {
  id: 'secret-store-own-service-account',
  severity: 'error',
  scope: 'all',
  summary: 'a SecretStore must authenticate as the ServiceAccount of its own app',
  rationale: 'a store that names another app\'s ServiceAccount (the migration\'s, say) reads every secret that app may read, the database admin password included',
  fix: 'name the ServiceAccount of the app the SecretStore belongs to in serviceAccountRef (the renderer does)',
  equivalents: ['kube-linter: (none)', 'Polaris: (none)', 'Kyverno: (none; ESO has no such check either)'],
  check(object, context) {
    if (object.manifest.kind !== 'SecretStore' || !String(object.manifest.apiVersion).startsWith('external-secrets.io/')) return [];
    const owner = ((object.manifest.metadata as any)?.labels ?? {})['app.kubernetes.io/name'];
    const providers = (object.manifest.spec as any)?.provider ?? {};
    const out: Finding[] = [];
    for (const [provider, config] of Object.entries(providers)) {
      for (const [auth, settings] of Object.entries((config as any)?.auth ?? {})) {
        const ref = (settings as any)?.serviceAccountRef?.name;
        if (ref === undefined) continue;
        const path = `spec.provider.${provider}.auth.${auth}.serviceAccountRef.name`;
        const account = context.objectsIn('ServiceAccount', ns(object)).find((sa) => name(sa) === ref);
        const accountApp = ((account?.manifest.metadata as any)?.labels ?? {})['app.kubernetes.io/name'];
        if (!account) out.push({ path, value: ref, message: 'names a ServiceAccount that is not rendered in its namespace' });
        else if (accountApp !== owner) out.push({ path, value: ref, message: `names the ServiceAccount of ${accountApp ? `app ${accountApp}` : 'no app'}, not of ${owner ? `app ${owner}` : 'its own app'}` });
      }
    }
    return out;
  },
};
