import { stringify } from 'yaml';
import { diffFields, diffTrees, parseTree, renderMarkdown, review, unifiedDiff } from '../../src/review';

/** A tree of one environment's files from objects (YAML) and Terraform JSON. */
function tree(files: Record<string, unknown>): Map<string, string> {
  return new Map(Object.entries(files).map(([file, body]) => [file, file.endsWith('.json') ? JSON.stringify(body, null, 2) : typeof body === 'string' ? body : stringify(body)]));
}

const deployment = (image: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    replicas: 3,
    template: { spec: { containers: [{ name: 'web', image, env: [{ name: 'A', value: '1' }], resources: { requests: { cpu: '500m', memory: '1Gi' } } }], ...extra } },
  },
});

describe('the line diff', () => {
  test('prints unified hunks with three lines of context', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n';
    const after = 'a\nB\nc\nd\ne\nf\ng\nh\ni\nJ\nk\n';
    expect(unifiedDiff(before, after)).toEqual([
      '@@ -1,5 +1,5 @@', ' a', '-b', '+B', ' c', ' d', ' e',
      '@@ -7,4 +7,5 @@', ' g', ' h', ' i', '-j', '+J', '+k',
    ]);
  });

  test('is empty for equal texts and handles empty sides', () => {
    expect(unifiedDiff('x\n', 'x\n')).toEqual([]);
    expect(unifiedDiff('', 'x\ny\n')).toEqual(['@@ -0,0 +1,2 @@', '+x', '+y']);
    expect(unifiedDiff('x\n', '')).toEqual(['@@ -1,1 +0,0 @@', '-x']);
  });

  test('a last line without a newline is marked, as git marks it, so a change of that newline alone shows', () => {
    expect(unifiedDiff('a\nb', 'a\nb\n')).toEqual(['@@ -1,2 +1,2 @@', ' a', '-b', '\\ No newline at end of file', '+b']);
    expect(unifiedDiff('a\nb', 'a\nc')).toEqual(['@@ -1,2 +1,2 @@', ' a', '-b', '\\ No newline at end of file', '+c', '\\ No newline at end of file']);
  });
});

describe('field changes', () => {
  test('address named items by name, note a new order, and show scalar lists whole', () => {
    const before = { c: [{ name: 'a', v: 1 }, { name: 'b', v: 2 }], args: ['--x', '--y'] };
    const after = { c: [{ name: 'b', v: 3 }, { name: 'a', v: 1 }], args: ['--x'] };
    expect(diffFields(before, after)).toEqual([
      { path: 'args', keys: ['args'], change: 'changed', old: ['--x', '--y'], new: ['--x'] },
      { path: 'c[name=b].v', keys: ['c', 'v'], change: 'changed', old: 2, new: 3 },
      { path: 'c', keys: ['c'], change: 'reordered', old: ['a', 'b'], new: ['b', 'a'] },
    ]);
  });

  test('fall back to indexes when names are missing or repeated, and quote keys that are not identifiers', () => {
    expect(diffFields({ r: [{ port: 1 }, { port: 2 }] }, { r: [{ port: 1 }, { port: 3 }, { port: 4 }] }).map((f) => `${f.change} ${f.path}`))
      .toEqual(['changed r[1].port', 'added r[2]']);
    expect(diffFields({ labels: { 'app.kubernetes.io/name': 'a' } }, { labels: {} }).map((f) => f.path)).toEqual(['labels["app.kubernetes.io/name"]']);
  });

  test('items without a name: an inserted or removed item is one change, not a shift of every later item', () => {
    const peer = (app: string) => ({ podSelector: { matchLabels: { app } } });
    const before = { from: [peer('a'), peer('b'), peer('c')] };
    const inserted = { from: [peer('z'), peer('a'), peer('b'), peer('c')] };
    expect(diffFields(before, inserted)).toEqual([{ path: 'from[0]', keys: ['from'], change: 'added', new: peer('z') }]);
    const removed = { from: [peer('a'), peer('c')] };
    expect(diffFields(before, removed)).toEqual([{ path: 'from[1]', keys: ['from'], change: 'removed', old: peer('b') }]);
    // Between equal items, items pair up in order: a changed item is a field change.
    const changed = { from: [peer('a'), peer('x'), peer('c'), peer('d')] };
    expect(diffFields(before, changed).map((f) => `${f.change} ${f.path}`)).toEqual(['changed from[1].podSelector.matchLabels.app', 'added from[3]']);
  });

  test('large arrays: equal items at both ends are matched first, and a middle too large to align is compared by index', () => {
    const peer = (app: string) => ({ podSelector: { matchLabels: { app } } });
    const many = Array.from({ length: 10_000 }, (_, i) => peer(`app-${i}`));
    const inserted = [...many.slice(0, 5000), peer('new'), ...many.slice(5000)];
    expect(diffFields({ from: many }, { from: inserted })).toEqual([{ path: 'from[5000]', keys: ['from'], change: 'added', new: peer('new') }]);
    // One item in at the front of the middle and one out at its end, 600 × 600 items apart (beyond 250,000 pairs):
    // not aligned (that would be 2 changes) but paired in order, as field changes.
    const left = Array.from({ length: 600 }, (_, i) => peer(`l-${i}`));
    const right = [peer('new'), ...left.slice(0, 599)];
    const changes = diffFields({ from: [peer('a'), ...left, peer('z')] }, { from: [peer('a'), ...right, peer('z')] });
    expect(changes).toHaveLength(600);
    expect(changes[0]).toMatchObject({ path: 'from[1].podSelector.matchLabels.app', change: 'changed', old: 'l-0', new: 'new' });
    // The same shift in a smaller array is aligned: one added, one removed.
    const small = diffFields({ from: [peer('a'), ...left.slice(0, 50), peer('z')] }, { from: [peer('a'), peer('new'), ...left.slice(0, 49), peer('z')] });
    expect(small.map((f) => `${f.change} ${f.path}`)).toEqual(['added from[1]', 'removed from[50]']);
  });
});

describe('objects', () => {
  test('YAML documents are Kubernetes objects; Terraform JSON blocks are terraform:<type> objects; anything else is a file', () => {
    const parsed = parseTree(tree({
      'prod/apps/web/deployment-web.yaml': deployment('img:1'),
      'prod/terraform/cdk.tf.json': {
        '//': { metadata: { version: '0.21.0' } },
        'provider': { google: [{ project: 'p' }, { alias: 'beta', project: 'p' }] },
        'data': { google_project: { this: { project_id: 'p' } } },
        'resource': { google_container_cluster: { primary: { name: 'c' } } },
        'output': { endpoint: { value: 'x' } },
      },
      'prod/README.md': '# hi\n',
      'prod/PROVENANCE.json': { tier: 'production', production: true },
    }));
    expect(parsed.objects.map((o) => `${o.layer} ${o.kind} ${o.name}`)).toEqual([
      'kubernetes Deployment web',
      'file File README.md',
      'terraform terraform:data.google_project this',
      'terraform terraform:google_container_cluster primary',
      'terraform terraform:metadata //',
      'terraform terraform:output endpoint',
      'terraform terraform:provider.google beta',
      'terraform terraform:provider.google default',
    ]);
    expect(parsed.provenance.get('prod')).toEqual({ tier: 'production', production: true });
  });

  test('a file that does not parse is compared as text', () => {
    const changes = diffTrees(tree({ 'dev/x.yaml': 'a: [\n' }), tree({ 'dev/x.yaml': 'a: [b\n' }));
    expect(changes.map((c) => [c.kind, c.name, c.status, c.fields[0].textDiff])).toEqual([['File', 'x.yaml', 'changed', ['@@ -1,1 +1,1 @@', '-a: [', '+a: [b']]]);
  });

  test('an apiVersion bump is one change, not a removal and an addition', () => {
    const hpa = (apiVersion: string) => ({ apiVersion, kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'shop' }, spec: { maxReplicas: 3 } });
    const changes = diffTrees(tree({ 'dev/hpa.yaml': hpa('autoscaling/v2beta2') }), tree({ 'dev/hpa.yaml': hpa('autoscaling/v2') }));
    expect(changes.map((c) => [c.status, c.apiVersion, c.before?.apiVersion, c.fields.map((f) => f.path)])).toEqual([['changed', 'autoscaling/v2', 'autoscaling/v2beta2', ['apiVersion']]]);
  });
});

describe('risk flags', () => {
  const flagsOf = (before: Record<string, unknown>, after: Record<string, unknown>) =>
    review({ base: tree(before), head: tree(after) }).flags.map((f) => `${f.severity} ${f.category} ${f.subject ?? '-'}: ${f.message}`);

  test('less CPU or memory, and a removed request', () => {
    const lower = deployment('img:1');
    (lower.spec.template.spec.containers[0].resources.requests as Record<string, string>) = { cpu: '0.25' };
    expect(flagsOf({ 'dev/d.yaml': deployment('img:1') }, { 'dev/d.yaml': lower })).toEqual([
      'warning resources-down Deployment shop/web: web cpu request: 500m → 0.25',
      'warning resources-down Deployment shop/web: web memory request removed (was 1Gi)',
    ]);
  });

  test('secret references in a pod, and the objects that fetch secrets', () => {
    const withSecret = deployment('img:1');
    withSecret.spec.template.spec.containers[0].env.push({ name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'pw' } } } as never);
    const store = { apiVersion: 'external-secrets.io/v1beta1', kind: 'SecretStore', metadata: { name: 'gcp', namespace: 'shop' }, spec: { provider: { gcpsm: { projectID: 'p' } } } };
    expect(flagsOf({ 'dev/d.yaml': deployment('img:1') }, { 'dev/d.yaml': withSecret, 'dev/s.yaml': store })).toEqual([
      'warning secrets Deployment shop/web: secret references changed: spec.template.spec.containers[name=web].env[name=PW] (added)',
      'warning secrets SecretStore shop/gcp: secret source added',
    ]);
  });

  test('RBAC and AppProject changes, listing the fields', () => {
    const binding = (group: string) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'edit', namespace: 'shop' }, roleRef: { kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'Group', name: group }] });
    const project = (ns: string) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'shop', namespace: 'argocd' }, spec: { destinations: [{ namespace: ns }] } });
    expect(flagsOf({ 'staging/b.yaml': binding('a@x'), 'staging/p.yaml': project('shop') }, { 'staging/b.yaml': binding('b@x'), 'staging/p.yaml': project('*') })).toEqual([
      'warning app-project AppProject argocd/shop: Argo CD AppProject changed: spec.destinations[0].namespace',
      'warning rbac RoleBinding shop/edit: RBAC changed: subjects[name=a@x], subjects[name=b@x]',
    ]);
  });

  test('removing an object from an app directory: Argo CD prunes it', () => {
    const app = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'web', namespace: 'argocd' }, spec: { source: { path: 'dist/dev/apps/web' }, syncPolicy: { automated: { prune: true } } } };
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' } };
    expect(flagsOf({ 'dev/argocd/app.yaml': app, 'dev/apps/web/svc.yaml': svc }, { 'dev/argocd/app.yaml': app })).toEqual([
      'warning deletion Service shop/web: Argo CD will delete it (Application web syncs with automated prune)',
    ]);
    const manual = { ...app, spec: { ...app.spec, syncPolicy: {} } };
    expect(flagsOf({ 'dev/argocd/app.yaml': manual, 'dev/apps/web/svc.yaml': svc }, { 'dev/argocd/app.yaml': manual })).toEqual([
      'warning deletion Service shop/web: Application web does not prune automatically: it stays in the cluster, out of sync, until pruned by hand',
    ]);
  });

  test('Terraform: fields that replace a cluster or node pool, fewer nodes, destroyed networks, IAM', () => {
    const tf = (cluster: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
      'prod/terraform/cdk.tf.json': {
        resource: {
          google_container_cluster: { primary: { name: 'acme-prod', location: 'europe-west1', min_master_version: '1.29', ...cluster } },
          google_container_node_pool: { general: { name: 'general', autoscaling: { max_node_count: 6 }, node_config: { machine_type: 'n2-standard-4' } } },
          ...extra,
        },
      },
    });
    const before = tf({ network: 'vpc' }, { google_compute_subnetwork: { nodes: { name: 'nodes', ip_cidr_range: '10.0.0.0/20' } } });
    const after = tf({ network: 'vpc2', min_master_version: '1.30' }, { google_project_iam_member: { web: { role: 'roles/pubsub.publisher', member: 'serviceAccount:web@p' } } });
    const pool = after['prod/terraform/cdk.tf.json'].resource.google_container_node_pool.general;
    pool.node_config.machine_type = 'n2-standard-8';
    pool.autoscaling.max_node_count = 4;
    expect(flagsOf(before, after)).toEqual([
      'high production -: prod is a production environment (tier production, from the environment name): 1 added, 2 changed, 1 removed',
      'high terraform-destroy google_compute_subnetwork.nodes: Terraform will destroy google_compute_subnetwork "nodes"',
      'high terraform-replace google_container_cluster.primary: may replace google_container_cluster "primary" (destroy, then create): network: vpc → vpc2',
      'high terraform-replace google_container_node_pool.general: may replace google_container_node_pool "general" (destroy, then create): node_config.machine_type: n2-standard-4 → n2-standard-8',
      'high scale-down google_container_node_pool.general: max_node_count: 6 → 4',
      'high iam google_project_iam_member.web: IAM added: role roles/pubsub.publisher, member serviceAccount:web@p',
    ]);
  });

  test('Terraform: a certificate made before its replacement is destroyed says so; a destroyed secret is high', () => {
    const tf = (domain: string, secrets: Record<string, unknown>) => ({
      'dev/terraform/cdk.tf.json': {
        resource: {
          google_compute_managed_ssl_certificate: { cert: { name: `web-cert-${domain.length}`, managed: { domains: [domain] }, lifecycle: { create_before_destroy: true } } },
          google_secret_manager_secret: secrets,
        },
      },
    });
    expect(flagsOf(tf('www.example.com', { key: { secret_id: 'web-key' } }), tf('shop.example.com', {}))).toEqual([
      'high terraform-replace google_compute_managed_ssl_certificate.cert: may replace google_compute_managed_ssl_certificate "cert" (create the new one, then destroy the old): managed.domains: ["www.example.com"] → ["shop.example.com"]; name: web-cert-15 → web-cert-16',
      'high terraform-destroy google_secret_manager_secret.key: Terraform will destroy google_secret_manager_secret "key"',
    ]);
  });

  test('every flag links to its object in the Markdown report', () => {
    const r = review({ base: tree({ 'dev/d.yaml': deployment('img:1') }), head: tree({ 'dev/d.yaml': deployment('img:2') }) });
    const md = renderMarkdown(r);
    expect(md).toContain('- 🔵 **image** · dev · [Deployment shop/web](#dev-deployment-shop-web): image of web: img:1 → img:2');
    expect(md).toContain('<a id="dev-deployment-shop-web"></a>');
  });
});
