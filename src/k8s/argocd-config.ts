import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { ResolvedAlerts, ResolvedEnvironment, ResolvedPlatform } from '../model';
import { DEGRADED_DOES_NOT_BLOCK } from './addons';
import { argoCdCmData } from './argocd-cm-defaults';
import { renderArgoCdSecret } from './argocd-secret';
import { ssoConfig } from './argocd-sso';
import { k8s } from './imports';
import { kube } from './kube-object';
import { environmentLabels } from './labels';

/** Argo CD's own ConfigMaps, which the argo-cd chart is told not to create (`configs.cm.create: false` and the like). */
export const ARGOCD_CONFIGMAPS = { cm: 'argocd-cm', rbac: 'argocd-rbac-cm', notifications: 'argocd-notifications-cm' } as const;
/** The Secret Argo CD's notifications controller reads `$<key>` references from. */
export const NOTIFICATIONS_SECRET = 'argocd-notifications-secret';

/** The notification triggers every subscription names, in the order they are declared. */
export const TRIGGERS = ['on-sync-failed', 'on-health-degraded', 'on-out-of-sync'] as const;

/**
 * The health of an Application as its parent (the root) sees it. Argo CD has
 * none since v1.8, so an app-of-apps would not wait for a wave's Applications
 * (argo-cd docs/operator-manual/health.md, "Argo CD App", the check given
 * there), with two changes, because gitops-engine waits on a wave until each
 * of its objects is Healthy and fails the sync on a Degraded one
 * (pkg/sync/sync_context.go): a Suspended child (a Rollout paused for a
 * person to promote) is reported Healthy, else the root would wait for that
 * person; and a child annotated `<label domain>/degraded-blocks-waves: "false"`
 * is reported Healthy when Degraded. The real status stays in the message.
 */
export function applicationHealthCheck(labelDomain: string): string {
  return `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil and obj.status.health.status ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
if hs.status == "Suspended" then
  hs.status = "Healthy"
  hs.message = "Suspended (the root does not wait for it): " .. hs.message
end
if hs.status == "Degraded" and obj.metadata.annotations ~= nil and obj.metadata.annotations["${labelDomain}/${DEGRADED_DOES_NOT_BLOCK}"] == "false" then
  hs.status = "Healthy"
  hs.message = "Degraded (the root does not wait for it): " .. hs.message
end
return hs
`;
}

/** `notifications.argoproj.io/subscribe.<trigger>.<service>: <recipient>` for each trigger. */
export function subscriptionAnnotations(alerts: ResolvedAlerts | undefined): Record<string, string> {
  if (!alerts) return {};
  return Object.fromEntries(TRIGGERS.map((t) => [`notifications.argoproj.io/subscribe.${t}.${alerts.service}`, alerts.recipient]));
}

/** A template's text for Slack and email alike, and an email subject. */
function template(subject: string, body: string): string {
  const text = `${body}\n{{.context.argocdUrl}}/applications/{{.app.metadata.namespace}}/{{.app.metadata.name}}`;
  return `message: |\n${text.split('\n').map((l) => `  ${l}`).join('\n')}\nemail:\n  subject: ${JSON.stringify(subject)}\n`;
}

/** The data of `argocd-notifications-cm`: services, templates, triggers, and in production the platform team's subscription. */
export function notificationsConfig(platform: ResolvedPlatform, env: ResolvedEnvironment): Record<string, string> {
  const n = env.notifications;
  const envLabel = `${platform.labelDomain}/environment`;
  const where = `{{.app.metadata.name}} in ${env.name} (project {{.app.spec.project}})`;
  const data: Record<string, string> = {};
  // Templates link to the Application in this environment's Argo CD (argo-cd docs/operator-manual/notifications/templates.md, `context`).
  data.context = `argocdUrl: ${env.argocd.url}\n`;
  if (n.services.includes('slack')) data['service.slack'] = 'token: $slack-token\n';
  if (n.email) {
    data['service.email'] = `host: ${n.email.host}\nport: ${n.email.port}\nfrom: ${n.email.from}\nusername: ${n.email.username}\npassword: $email-password\n`;
  }
  data['template.app-sync-failed'] = template(`Sync failed: {{.app.metadata.name}} (${env.name})`,
    `Sync of ${where} failed at {{.app.status.operationState.finishedAt}}:\n{{.app.status.operationState.message}}\nRevision: {{.app.status.operationState.syncResult.revision}}`);
  data['template.app-health-degraded'] = template(`Degraded: {{.app.metadata.name}} (${env.name})`,
    `${where} is Degraded: {{.app.status.health.message}}`);
  data['template.app-out-of-sync'] = template(`Out of sync: {{.app.metadata.name}} (${env.name})`,
    `${where} has been OutOfSync for more than ${n.outOfSyncAfter} since its last sync ({{.app.status.operationState.finishedAt}}).\nGit wants revision {{.app.status.sync.revision}}.`);
  // Expressions as in argo-cd notifications_catalog/triggers/*.yaml; `oncePer` sends once per revision, not on every reconciliation.
  data['trigger.on-sync-failed'] = `- description: The sync operation failed
  when: app.status.operationState != nil and app.status.operationState.phase in ['Error', 'Failed']
  oncePer: app.status.operationState?.syncResult?.revision
  send: [app-sync-failed]
`;
  data['trigger.on-health-degraded'] = `- description: The application is Degraded
  when: app.status.health.status == 'Degraded'
  oncePer: app.status.sync.revision
  send: [app-health-degraded]
`;
  data['trigger.on-out-of-sync'] = `- description: OutOfSync for longer than ${n.outOfSyncAfter} since the last sync
  when: app.status.sync.status == 'OutOfSync' and app.status.operationState != nil and app.status.operationState.finishedAt != nil and time.Now().Sub(time.Parse(app.status.operationState.finishedAt)).Minutes() >= ${n.outOfSyncAfterMinutes}
  oncePer: app.status.sync.revision
  send: [app-out-of-sync]
`;
  if (n.platform) {
    // Every Application of this (production) cluster notifies the platform team.
    data.subscriptions = `- recipients:\n  - ${n.platform.service}:${n.platform.recipient}\n  triggers: [${TRIGGERS.join(', ')}]\n  selector: ${envLabel}=${env.name}\n`;
  }
  return data;
}

/**
 * Argo CD's configuration as code, rendered into `dist/<env>/argocd-config/`
 * (synced by the `argocd-config` Application, and applied at bootstrap):
 * `argocd-cm` (the Application health check the root's waves need, resource
 * tracking, diffing), `argocd-rbac-cm` (the platform team administers; teams
 * get their projects' roles) and `argocd-notifications-cm`.
 */
export class ArgoCdConfigChart extends Chart {
  constructor(scope: Construct, id: string, props: { readonly platform: ResolvedPlatform; readonly env: ResolvedEnvironment }) {
    const { platform, env } = props;
    const ns = platform.gitops.argocdNamespace;
    super(scope, id, { namespace: ns, disableResourceNameHashes: true });
    const metadata = (name: string) => ({ name, namespace: ns, labels: { ...environmentLabels(platform, env), 'app.kubernetes.io/part-of': 'argocd' } });

    kube(k8s.KubeConfigMap, this, 'cm', {
      metadata: metadata(ARGOCD_CONFIGMAPS.cm),
      // Over the chart's defaults, which we would otherwise lose by rendering this ConfigMap ourselves.
      data: argoCdCmData({
        'resource.customizations.health.argoproj.io_Application': applicationHealthCheck(platform.labelDomain),
        // Argo CD 3's default, stated: an annotation names the Application that owns an object, labels stay the objects' own.
        'application.resourceTrackingMethod': 'annotation',
        // The URL, and with single sign-on its connector and no local admin.
        ...ssoConfig(env),
      }),
    });

    const admins = [platform.platformOwners];
    kube(k8s.KubeConfigMap, this, 'rbac', {
      metadata: metadata(ARGOCD_CONFIGMAPS.rbac),
      data: {
        // Nobody gets anything by default; teams get their AppProjects' roles (developers: get, sync, Rollout actions).
        'policy.default': '',
        'policy.csv': admins.map((g) => `g, ${g}, role:admin\n`).join(''),
        'scopes': '[groups, email]',
      },
    });

    kube(k8s.KubeConfigMap, this, 'notifications', {
      metadata: metadata(ARGOCD_CONFIGMAPS.notifications),
      data: notificationsConfig(platform, env),
    });
  }
}

/**
 * The notification services' credentials, from Secret Manager into
 * `argocd-notifications-secret`, rendered into `dist/<env>/argocd-notifications/`,
 * synced before the apps (WAVES.notifications): a secret whose value is not
 * yet in Secret Manager degrades this Application only, without holding the
 * apps' wave.
 */
export class ArgoCdNotificationsChart extends Chart {
  constructor(scope: Construct, id: string, props: { readonly platform: ResolvedPlatform; readonly env: ResolvedEnvironment }) {
    const { platform, env } = props;
    super(scope, id, { namespace: platform.gitops.argocdNamespace, disableResourceNameHashes: true });
    const n = env.notifications;
    renderArgoCdSecret(this, platform, env, {
      name: 'argocd-notifications',
      serviceAccountName: n.serviceAccountName,
      identity: n.identity!,
      target: NOTIFICATIONS_SECRET,
      secrets: n.secrets,
    });
  }
}
