/*
 * Realistic manifests, one builder per kind, for the schema guardrail tests.
 * Each returns a fresh object, so a test can break one field without
 * affecting the others.
 */

type Manifest = Record<string, any>;

const labels = { 'app.kubernetes.io/name': 'checkout-api', 'app.kubernetes.io/part-of': 'shop' };

export function container(): Manifest {
  return {
    name: 'checkout-api',
    image: 'europe-docker.pkg.dev/acme/apps/checkout-api:1.4.2',
    imagePullPolicy: 'IfNotPresent',
    args: ['--port=8080'],
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    env: [
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'checkout-api-db', key: 'value' } } },
    ],
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: 1, memory: '512Mi' } },
    readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 10 },
    livenessProbe: { tcpSocket: { port: 8080 }, initialDelaySeconds: 15 },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65532,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

export function podSpec(): Manifest {
  return {
    serviceAccountName: 'checkout-api',
    automountServiceAccountToken: false,
    containers: [container()],
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels } }],
  };
}

export function deployment(): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'checkout-api', namespace: 'shop', labels, annotations: { 'platform.acme.example/owner': 'shop-team' } },
    spec: {
      replicas: 3,
      revisionHistoryLimit: 5,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'checkout-api' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: { metadata: { labels }, spec: podSpec() },
    },
  };
}

export function service(): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'checkout-api', namespace: 'shop', labels },
    spec: { type: 'ClusterIP', selector: { 'app.kubernetes.io/name': 'checkout-api' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
  };
}

export function ingress(): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'checkout-api', namespace: 'shop', annotations: { 'kubernetes.io/ingress.global-static-ip-name': 'shop' } },
    spec: {
      ingressClassName: 'gce',
      tls: [{ hosts: ['shop.acme.example'], secretName: 'shop-tls' }],
      rules: [{
        host: 'shop.acme.example',
        http: { paths: [{ path: '/api', pathType: 'Prefix', backend: { service: { name: 'checkout-api', port: { name: 'http' } } } }] },
      }],
    },
  };
}

export function hpa(): Manifest {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'checkout-api', namespace: 'shop' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout-api' },
      minReplicas: 3,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] } },
    },
  };
}

export function pdb(): Manifest {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'checkout-api', namespace: 'shop' },
    spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'checkout-api' } } },
  };
}

export function networkPolicy(): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'checkout-api', namespace: 'shop' },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'checkout-api' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ protocol: 'UDP', port: 53 }] }],
    },
  };
}

export function job(): Manifest {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'orders-db-migrate', namespace: 'shop', annotations: { 'argocd.argoproj.io/hook': 'PreSync' } },
    spec: {
      backoffLimit: 2,
      activeDeadlineSeconds: 600,
      ttlSecondsAfterFinished: 3600,
      template: { metadata: { labels }, spec: { ...podSpec(), restartPolicy: 'Never' } },
    },
  };
}

export function cronJob(): Manifest {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'sales-report', namespace: 'shop' },
    spec: {
      schedule: '0 3 * * *',
      timeZone: 'Europe/Paris',
      concurrencyPolicy: 'Forbid',
      successfulJobsHistoryLimit: 3,
      jobTemplate: { spec: { backoffLimit: 1, template: { spec: { ...podSpec(), restartPolicy: 'OnFailure' } } } },
    },
  };
}

export function externalSecret(): Manifest {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'checkout-api-db', namespace: 'shop', labels },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'SecretStore', name: 'gcp-secret-manager' },
      target: { name: 'checkout-api-db', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: [{ secretKey: 'value', remoteRef: { key: 'checkout-api-db-password', version: 'latest' } }],
    },
  };
}

export function secretStore(): Manifest {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'SecretStore',
    metadata: { name: 'gcp-secret-manager', namespace: 'shop' },
    spec: {
      provider: {
        gcpsm: {
          projectID: 'acme-shop-prod',
          auth: {
            workloadIdentity: {
              clusterLocation: 'europe-west1',
              clusterName: 'acme-prod',
              clusterProjectID: 'acme-shop-prod',
              serviceAccountRef: { name: 'checkout-api' },
            },
          },
        },
      },
    },
  };
}

export function application(): Manifest {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: 'checkout-api',
      namespace: 'argocd',
      finalizers: ['resources-finalizer.argocd.argoproj.io/foreground'],
      annotations: { 'argocd.argoproj.io/sync-wave': '0' },
    },
    spec: {
      project: 'shop',
      source: { repoURL: 'https://github.com/acme/platform.git', targetRevision: 'main', path: 'dist/prod/apps/checkout-api', directory: { recurse: true } },
      destination: { name: 'acme-prod', namespace: 'shop' },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['PruneLast=true'],
        retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
      },
      revisionHistoryLimit: 10,
    },
  };
}

export function appProject(): Manifest {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: 'shop', namespace: 'argocd' },
    spec: {
      description: 'Shop team applications',
      sourceRepos: ['https://github.com/acme/platform.git'],
      destinations: [{ name: 'acme-prod', namespace: 'shop' }],
      clusterResourceWhitelist: [],
      namespaceResourceBlacklist: [{ group: '', kind: 'ResourceQuota' }],
      roles: [{ name: 'deployers', description: 'Can sync', groups: ['shop-team@acme.example'], policies: ['p, proj:shop:deployers, applications, sync, shop/*, allow'] }],
      orphanedResources: { warn: true },
    },
  };
}

export function rollout(): Manifest {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'checkout-api', namespace: 'shop', labels },
    spec: {
      replicas: 3,
      revisionHistoryLimit: 5,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'checkout-api' } },
      template: { metadata: { labels }, spec: podSpec() },
      strategy: {
        canary: {
          canaryService: 'checkout-api-canary',
          stableService: 'checkout-api',
          maxSurge: '25%',
          maxUnavailable: 0,
          steps: [
            { setWeight: 20 },
            { pause: { duration: '5m' } },
            { analysis: { templates: [{ templateName: 'success-rate' }], args: [{ name: 'service', value: 'checkout-api' }] } },
            { setWeight: 50 },
            { pause: {} },
          ],
        },
      },
    },
  };
}
