import { optionsObject } from './options';

/** One step of a canary rollout. */
export class CanaryStep {
  /** Send `percent` of the pods (and so of the traffic) to the new version. */
  public static weight(percent: number): CanaryStep {
    return new CanaryStep({ weight: percent });
  }

  /** Wait `duration` (e.g. `'5m'`, `'1h'`) before the next step. */
  public static pause(duration: string): CanaryStep {
    return new CanaryStep({ pauseDuration: duration });
  }

  /** Wait until a person promotes the rollout (`kubectl argo rollouts promote <app>`). */
  public static pauseUntilPromoted(): CanaryStep {
    return new CanaryStep({ manualPause: true });
  }

  /** Share of pods, in percent, for a weight step. */
  public readonly weight?: number;
  /** How long a timed pause lasts. */
  public readonly pauseDuration?: string;
  /** Whether this pause waits for a person. */
  public readonly manualPause: boolean;

  private constructor(step: { readonly weight?: number; readonly pauseDuration?: string; readonly manualPause?: boolean }) {
    this.weight = step.weight;
    this.pauseDuration = step.pauseDuration;
    this.manualPause = step.manualPause ?? false;
  }
}

/** Automated analysis of a canary: a Prometheus query whose result must meet a condition. */
export interface CanaryAnalysis {
  /** PromQL returning one number, e.g. the share of non-5xx responses. */
  readonly query: string;
  /**
   * Condition on `result[0]`, e.g. `result[0] >= 0.99`. A measurement with no number (no series yet, or
   * 0/0 = NaN with no traffic) is neither a success nor a failure: it is inconclusive (see inconclusiveLimit).
   */
  readonly successCondition: string;
  /** Prometheus address. @default 'http://frontend.gmp-system.svc.cluster.local:9090' (Google Managed Prometheus frontend) */
  readonly prometheusAddress?: string;
  /** How often to measure. @default '1m' */
  readonly interval?: string;
  /** Failed measurements before the rollout aborts. @default 2 */
  readonly failureLimit?: number;
  /**
   * How long after the canary starts the first measurement is taken, so that its series exist.
   * @default '2m'
   */
  readonly initialDelay?: string;
  /**
   * Measurements without a number (no traffic to judge) tolerated before the analysis is inconclusive,
   * which pauses the rollout for a person to promote or abort, instead of aborting it.
   * @default 3
   * @see https://argoproj.github.io/argo-rollouts/features/analysis/
   */
  readonly inconclusiveLimit?: number;
}

/** A Deployment's rolling update. */
export interface RollingUpdateOptions {
  /** Extra pods while a rollout runs: a number or a percentage. @default 1 */
  readonly maxSurge?: number | string;
  /** Pods that may be missing while a rollout runs: a number or a percentage. @default 0 */
  readonly maxUnavailable?: number | string;
}

/** An Argo Rollouts canary. */
export interface CanaryOptions {
  /** The steps, e.g. weight 10, pause 5m, weight 50, pause 10m. */
  readonly steps: readonly CanaryStep[];
  /** Automated analysis that aborts a failing canary. @default - none: the steps alone decide */
  readonly analysis?: CanaryAnalysis;
  /**
   * Rolling back to one of this many previous versions skips the steps (the version ran before).
   * @default 3
   * @see https://argoproj.github.io/argo-rollouts/features/rollback/
   */
  readonly rollbackWindow?: number;
}

/** An Argo Rollouts blue-green. */
export interface BlueGreenOptions {
  /** Whether the new version takes over without a person promoting it. @default false */
  readonly autoPromote?: boolean;
  /** Seconds the old version keeps running after the switch, for a quick abort. @default 30 */
  readonly scaleDownDelaySeconds?: number;
  /**
   * Rolling back to one of this many previous versions switches at once, without waiting for promotion.
   * @default 3
   * @see https://argoproj.github.io/argo-rollouts/features/rollback/
   */
  readonly rollbackWindow?: number;
}

/** How a new version replaces the old one. */
export class Delivery {
  /** A Deployment rolling update: `maxSurge` extra pods at a time, at most `maxUnavailable` missing. */
  public static rollingUpdate(options: RollingUpdateOptions = {}): Delivery {
    return new Delivery('rolling-update', options);
  }

  /**
   * An Argo Rollouts canary: the new version gets a growing share of pods
   * through `steps`, optionally gated by automated analysis; aborting returns
   * to the stable version.
   */
  public static canary(options: CanaryOptions): Delivery {
    return new Delivery('canary', optionsObject('Delivery.canary', options, '{ steps: [CanaryStep.weight(20)] }'));
  }

  /**
   * An Argo Rollouts blue-green: the new version runs beside the old one behind
   * a preview Service, and takes over the active Service when promoted.
   */
  public static blueGreen(options: BlueGreenOptions = {}): Delivery {
    return new Delivery('blue-green', options);
  }

  private constructor(
    public readonly kind: 'rolling-update' | 'canary' | 'blue-green',
    /** The options as declared; defaults are applied when the platform resolves. */
    public readonly declared: RollingUpdateOptions | CanaryOptions | BlueGreenOptions,
  ) {}

  /** A rolling update's declared maxSurge. */
  public get maxSurge(): number | string | undefined {
    return this.kind === 'rolling-update' ? (this.declared as RollingUpdateOptions).maxSurge : undefined;
  }

  /** A rolling update's declared maxUnavailable. */
  public get maxUnavailable(): number | string | undefined {
    return this.kind === 'rolling-update' ? (this.declared as RollingUpdateOptions).maxUnavailable : undefined;
  }

  /** A canary's steps. */
  public get steps(): readonly CanaryStep[] | undefined {
    return this.kind === 'canary' ? (this.declared as CanaryOptions).steps : undefined;
  }

  /** A canary's analysis. */
  public get analysis(): CanaryAnalysis | undefined {
    return this.kind === 'canary' ? (this.declared as CanaryOptions).analysis : undefined;
  }

  /** A blue-green's declared autoPromote. */
  public get autoPromote(): boolean | undefined {
    return this.kind === 'blue-green' ? (this.declared as BlueGreenOptions).autoPromote : undefined;
  }

  /** A canary's or blue-green's declared rollback window, in versions. */
  public get rollbackWindow(): number | undefined {
    return this.kind === 'rolling-update' ? undefined : (this.declared as CanaryOptions | BlueGreenOptions).rollbackWindow;
  }

  /** A blue-green's declared scale-down delay. */
  public get scaleDownDelaySeconds(): number | undefined {
    return this.kind === 'blue-green' ? (this.declared as BlueGreenOptions).scaleDownDelaySeconds : undefined;
  }
}
