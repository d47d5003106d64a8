import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

/*
 * Typed constructs for the custom resources we emit. Only the fields we set
 * are typed; the guardrails validate the rendered objects against the CRD
 * schemas, so a field misspelled here cannot reach the environment repo.
 */

export interface ArgoSource {
  readonly repoURL: string;
  readonly targetRevision: string;
  readonly path: string;
  readonly directory?: { readonly recurse?: boolean };
}

/** A Helm chart from a chart repository, rendered by Argo CD with these values. */
export interface ArgoHelmSource {
  readonly repoURL: string;
  readonly chart: string;
  /** The exact chart version. */
  readonly targetRevision: string;
  readonly helm: { readonly releaseName: string; readonly valuesObject: Readonly<Record<string, unknown>> };
}

export interface ArgoDestination {
  readonly name: string;
  readonly namespace: string;
}

export interface ArgoSyncPolicy {
  readonly automated?: { readonly prune: boolean; readonly selfHeal: boolean };
  readonly syncOptions?: readonly string[];
  /** Labels and annotations of the namespace `CreateNamespace=true` creates. */
  readonly managedNamespaceMetadata?: { readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
  readonly retry?: {
    readonly limit: number;
    readonly backoff: { readonly duration: string; readonly factor: number; readonly maxDuration: string };
  };
}

export interface ApplicationSpec {
  readonly project: string;
  readonly source: ArgoSource | ArgoHelmSource;
  readonly destination: ArgoDestination;
  readonly syncPolicy: ArgoSyncPolicy;
  readonly revisionHistoryLimit?: number;
}

/** An Argo CD Application (`argoproj.io/v1alpha1`). */
export class ArgoApplication extends ApiObject {
  constructor(scope: Construct, id: string, props: { readonly metadata: ApiObjectMetadata; readonly spec: ApplicationSpec }) {
    super(scope, id, { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: props.metadata, spec: props.spec });
  }
}

export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

export interface AppProjectSpec {
  readonly description: string;
  readonly sourceRepos: readonly string[];
  readonly destinations: readonly { readonly name: string; readonly namespace: string }[];
  readonly clusterResourceWhitelist: readonly GroupKind[];
  readonly namespaceResourceBlacklist?: readonly GroupKind[];
  /** When set, only these namespaced kinds may be synced. */
  readonly namespaceResourceWhitelist?: readonly GroupKind[];
  readonly roles?: readonly {
    readonly name: string;
    readonly description: string;
    readonly groups: readonly string[];
    readonly policies: readonly string[];
  }[];
  readonly orphanedResources?: {
    readonly warn: boolean;
    readonly ignore?: readonly { readonly group: string; readonly kind: string; readonly name?: string }[];
  };
  readonly syncWindows?: readonly {
    readonly kind: string;
    readonly schedule: string;
    readonly duration: string;
    readonly applications: readonly string[];
    readonly manualSync: boolean;
    readonly timeZone: string;
  }[];
}

/** An Argo CD AppProject (`argoproj.io/v1alpha1`). */
export class ArgoAppProject extends ApiObject {
  constructor(scope: Construct, id: string, props: { readonly metadata: ApiObjectMetadata; readonly spec: AppProjectSpec }) {
    super(scope, id, { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: props.metadata, spec: props.spec });
  }
}

/** An External Secrets SecretStore backed by GCP Secret Manager, authenticated through Workload Identity. */
export class GcpSecretStore extends ApiObject {
  constructor(scope: Construct, id: string, props: {
    readonly metadata: ApiObjectMetadata;
    readonly projectId: string;
    readonly clusterName: string;
    readonly clusterLocation: string;
    readonly serviceAccountName: string;
  }) {
    super(scope, id, {
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: props.metadata,
      spec: {
        provider: {
          gcpsm: {
            projectID: props.projectId,
            auth: {
              workloadIdentity: {
                clusterLocation: props.clusterLocation,
                clusterName: props.clusterName,
                clusterProjectID: props.projectId,
                serviceAccountRef: { name: props.serviceAccountName },
              },
            },
          },
        },
      },
    });
  }
}

/** An External Secrets ExternalSecret: one Secret Manager secret into one Kubernetes Secret key `value`. */
export class ExternalSecret extends ApiObject {
  constructor(scope: Construct, id: string, props: {
    readonly metadata: ApiObjectMetadata;
    readonly storeName: string;
    readonly targetName: string;
    readonly remoteKey: string;
    readonly refreshInterval?: string;
  }) {
    super(scope, id, {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: props.metadata,
      spec: {
        refreshInterval: props.refreshInterval ?? '1h',
        secretStoreRef: { kind: 'SecretStore', name: props.storeName },
        target: { name: props.targetName, creationPolicy: 'Owner', deletionPolicy: 'Retain' },
        data: [{ secretKey: SECRET_KEY, remoteRef: { key: props.remoteKey, version: 'latest', ...REMOTE_REF_DEFAULTS } }],
      },
    });
  }
}

/**
 * What External Secrets defaults in each `spec.data[].remoteRef` (its CRD
 * and webhook: conversionStrategy Default, decodingStrategy None,
 * metadataPolicy None, nullBytePolicy Ignore), written out: Argo CD diffs
 * a custom resource's lists whole, so a list the server filled in differs
 * from ours forever and self-heal re-applies it endlessly (argo-cd
 * `docs/user-guide/diffing.md`, known types vs custom resources).
 */
export const REMOTE_REF_DEFAULTS = { conversionStrategy: 'Default', decodingStrategy: 'None', metadataPolicy: 'None', nullBytePolicy: 'Ignore' } as const;

/** The key under which each synced Secret holds its value. */
export const SECRET_KEY = 'value';

/** An Argo Rollouts Rollout (`argoproj.io/v1alpha1`): a Deployment with canary or blue-green steps. */
export class ArgoRollout extends ApiObject {
  constructor(scope: Construct, id: string, props: {
    readonly metadata: ApiObjectMetadata;
    readonly replicas?: number;
    readonly selector: { readonly matchLabels: Record<string, string> };
    /** The pod template, already as JSON. */
    readonly template: unknown;
    readonly strategy: unknown;
    /** Rollbacks to one of this many previous revisions skip the strategy's steps. */
    readonly rollbackWindow: number;
  }) {
    super(scope, id, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: props.metadata,
      spec: {
        replicas: props.replicas,
        revisionHistoryLimit: 5,
        rollbackWindow: props.rollbackWindow > 0 ? { revisions: props.rollbackWindow } : undefined,
        selector: props.selector,
        template: props.template,
        strategy: props.strategy,
      },
    });
  }
}

/** The AnalysisTemplate argument that holds the canary's pod template hash. */
export const CANARY_HASH_ARG = 'canary-hash';

/** An Argo Rollouts AnalysisTemplate with one Prometheus metric. */
export class PrometheusAnalysisTemplate extends ApiObject {
  constructor(scope: Construct, id: string, props: {
    readonly metadata: ApiObjectMetadata;
    readonly metric: string;
    readonly address: string;
    readonly query: string;
    readonly successCondition: string;
    readonly interval: string;
    readonly failureLimit: number;
    readonly initialDelay: string;
    readonly inconclusiveLimit: number;
  }) {
    // A measurement with no number (no series yet; 0/0 with no traffic) meets neither condition, so Argo Rollouts
    // counts it inconclusive, not failed (its analysis docs: "Handling Metric Results", empty results and NaN).
    const measured = 'len(result) > 0 && !isNaN(result[0])';
    super(scope, id, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: props.metadata,
      spec: {
        // The Rollout passes its new version's pod template hash: queries select the canary's series with {{args.canary-hash}}.
        args: [{ name: CANARY_HASH_ARG }],
        metrics: [{
          name: props.metric,
          initialDelay: props.initialDelay,
          interval: props.interval,
          failureLimit: props.failureLimit,
          inconclusiveLimit: props.inconclusiveLimit,
          successCondition: `${measured} && (${props.successCondition})`,
          failureCondition: `${measured} && !(${props.successCondition})`,
          provider: { prometheus: { address: props.address, query: props.query } },
        }],
      },
    });
  }
}

/**
 * A Google Cloud Managed Service for Prometheus PodMonitoring
 * (`monitoring.googleapis.com/v1`): GKE's managed collectors scrape one port
 * of the selected pods. `app.kubernetes.io/name` becomes the series' `app`
 * label, so that queries select an app with `namespace="...", app="..."`.
 */
export class PodMonitoring extends ApiObject {
  constructor(scope: Construct, id: string, props: {
    readonly metadata: ApiObjectMetadata;
    readonly selector: Readonly<Record<string, string>>;
    readonly port: string;
    readonly path: string;
    readonly interval: string;
  }) {
    super(scope, id, {
      apiVersion: 'monitoring.googleapis.com/v1',
      kind: 'PodMonitoring',
      metadata: props.metadata,
      spec: {
        selector: { matchLabels: props.selector },
        endpoints: [{ port: props.port, path: props.path, interval: props.interval }],
        // A Rollout's pods also carry the hash of their version's pod template: a canary's analysis selects the new version's series with it.
        targetLabels: { fromPod: [{ from: 'app.kubernetes.io/name', to: 'app' }, { from: 'rollouts-pod-template-hash', to: 'rollouts_pod_template_hash' }] },
      },
    });
  }
}
