import type { Construct } from 'constructs';
import { ExternalSecret, GcpSecretStore } from '../crds';
import { k8s } from '../imports';
import { kube } from '../kube-object';
import { AppRenderContext, SUPPORT_WAVE } from './context';

/**
 * Who the app is and what it reads: its ServiceAccount (bound to its Google
 * service account through Workload Identity), its config files, and its
 * secrets, synced from Secret Manager by External Secrets as that identity.
 */
export function renderIdentityAndConfig(scope: Construct, ctx: AppRenderContext): void {
  const { app, env } = ctx;
  const account = ctx.supporting(app.serviceAccountName);
  kube(k8s.KubeServiceAccount, scope, 'service-account', {
    metadata: {
      ...account,
      annotations: { ...account.annotations, ...(app.identity ? { 'iam.gke.io/gcp-service-account': app.identity.email } : {}) },
    },
    automountServiceAccountToken: false,
  });

  if (app.configMapName) {
    kube(k8s.KubeConfigMap, scope, 'config', {
      metadata: ctx.supporting(app.configMapName),
      // Named by a hash of its content: a change rolls the pods, and a revert rolls them back.
      immutable: true,
      data: Object.fromEntries(app.configFiles.map((f) => [f.name, f.content])),
    });
  }

  if (app.secrets.length === 0) return;
  const storeName = `${app.name}-gcp-secret-manager`;
  new GcpSecretStore(scope, 'secret-store', {
    metadata: ctx.supporting(storeName),
    projectId: env.gcpProject,
    clusterName: env.cluster.name,
    clusterLocation: env.cluster.location,
    serviceAccountName: app.serviceAccountName,
  });
  for (const secret of app.secrets) {
    new ExternalSecret(scope, `secret-${secret.name}`, {
      metadata: ctx.supporting(secret.kubernetesSecretName, SUPPORT_WAVE.secrets),
      storeName,
      targetName: secret.kubernetesSecretName,
      remoteKey: secret.secretId,
    });
  }
}
