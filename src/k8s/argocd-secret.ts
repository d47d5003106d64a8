/** One Kubernetes Secret of Argo CD's, filled from Secret Manager by ESO as its own Google identity: the notifications' and the single sign-on's. */
import { Construct } from 'constructs';
import type { ResolvedEnvironment, ResolvedIdentity, ResolvedPlatform } from '../model';
import { k8s } from './imports';
import { KubeObject, kube } from './kube-object';
import { SYNC_WAVE, environmentLabels } from './labels';

/** What {@link renderArgoCdSecret} renders: one Kubernetes Secret of Argo CD's, filled from Secret Manager as its own identity. */
export interface ArgoCdSecretProps {
  /** `app.kubernetes.io/name` of the objects, and the prefix of the SecretStore's name. */
  readonly name: string;
  readonly serviceAccountName: string;
  readonly identity: ResolvedIdentity;
  /** The Kubernetes Secret written. */
  readonly target: string;
  readonly secrets: readonly { readonly key: string; readonly secretId: string }[];
  /** Labels of the written Secret. @default - none */
  readonly targetLabels?: Record<string, string>;
}

/**
 * A ServiceAccount bound to a Google service account (Workload Identity), a
 * SecretStore that authenticates as it, and one ExternalSecret writing the
 * target Secret: what the notifications and the single sign-on each use, so
 * that neither identity reads the other's secrets.
 */
export function renderArgoCdSecret(scope: Construct, platform: ResolvedPlatform, env: ResolvedEnvironment, props: ArgoCdSecretProps): void {
  const ns = platform.gitops.argocdNamespace;
  const labels = { ...environmentLabels(platform, env), 'app.kubernetes.io/name': props.name, 'app.kubernetes.io/part-of': 'argocd' };
  const storeName = `${props.name}-gcp-secret-manager`;
  kube(k8s.KubeServiceAccount, scope, 'service-account', {
    metadata: { name: props.serviceAccountName, namespace: ns, labels, annotations: { 'iam.gke.io/gcp-service-account': props.identity.email, [SYNC_WAVE]: '-1' } },
    automountServiceAccountToken: false,
  });
  new KubeObject(scope, 'secret-store', {
    apiVersion: 'external-secrets.io/v1',
    kind: 'SecretStore',
    metadata: { name: storeName, namespace: ns, labels, annotations: { [SYNC_WAVE]: '-1' } },
    spec: {
      provider: {
        gcpsm: {
          projectID: env.gcpProject,
          auth: {
            workloadIdentity: {
              clusterLocation: env.cluster.location,
              clusterName: env.cluster.name,
              clusterProjectID: env.gcpProject,
              serviceAccountRef: { name: props.serviceAccountName },
            },
          },
        },
      },
    },
  });
  new KubeObject(scope, 'external-secret', {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    // After its store: both are custom resources, which Argo CD orders by name within a wave (gitops-engine pkg/sync/sync_tasks.go).
    metadata: { name: props.target, namespace: ns, labels },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'SecretStore', name: storeName },
      target: {
        name: props.target,
        creationPolicy: 'Owner',
        deletionPolicy: 'Retain',
        ...(props.targetLabels ? { template: { metadata: { labels: props.targetLabels } } } : {}),
      },
      // ESO's CRD defaults written out, so that Argo CD's diff of the lists finds nothing to change (ESO config/crds).
      data: props.secrets.map((s) => ({
        secretKey: s.key,
        remoteRef: { key: s.secretId, version: 'latest', conversionStrategy: 'Default', decodingStrategy: 'None', metadataPolicy: 'None' },
      })),
    },
  });
}
