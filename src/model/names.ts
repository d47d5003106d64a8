/** Naming rules shared by the model's validation. */

/** RFC 1123 label: what Kubernetes requires of namespaces and most names' parts. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1035 label: a DNS-1123 label that starts with a letter (Service names). */
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS name (host) made of DNS-1123 labels. */
export const DNS_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A container port name (IANA_SVC_NAME): at most 15 characters, a letter somewhere, no `--`. */
export const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A POSIX-ish environment variable name. */
export const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A ConfigMap key (file name). */
export const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

/** A Google Cloud project id. */
export const GCP_PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** A Google service account id (the part before `@`). */
export const GCP_SERVICE_ACCOUNT_ID = /^[a-z]([-a-z0-9]{4,28}[a-z0-9])$/;

/** An email address, loosely (for owner groups). */
export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Namespaces a team may never own. */
export const RESERVED_NAMESPACES: readonly string[] = [
  'default', 'kube-system', 'kube-public', 'kube-node-lease', 'argocd', 'external-secrets', 'gke-managed-system',
];

/** Edit distance, used to suggest the name a user probably meant. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** `; did you mean "x"?` when one known name is close to the unknown one, else the list of known names. */
export function suggest(unknown: string, known: readonly string[]): string {
  const prefix = (a: string, b: string) => {
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return i;
  };
  // Close by edit distance, or sharing most of the unknown name as a prefix (a shortened id).
  const close = known
    .map((name) => ({ name, d: editDistance(unknown, name), p: prefix(unknown, name) }))
    .filter((c) => c.d <= Math.max(2, Math.floor(unknown.length / 3)) || c.p >= Math.max(4, Math.ceil(unknown.length * 0.75)))
    .sort((x, y) => x.d - y.d || y.p - x.p || x.name.localeCompare(y.name));
  if (close.length > 0) {
    return `did you mean "${close[0].name}"?`;
  }
  return known.length > 0 ? `known: ${known.map((k) => `"${k}"`).join(', ')}` : 'none are declared';
}
