import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { ResolvedApp, ResolvedEnvironment, ResolvedPlatform } from '../model';
import { AppRenderOptions, appRenderContext } from './app/context';
import { renderExposure } from './app/exposure';
import { renderIdentityAndConfig } from './app/identity';
import { renderMonitoring } from './app/monitoring';
import { renderNetworkPolicy } from './app/network-policy';
import { renderScaling } from './app/scaling';
import { renderServices } from './app/service';
import { renderWorkload } from './app/workload';

export { GKE_METADATA_SERVER, GOOGLE_LOAD_BALANCER_RANGES, PRIVATE_GOOGLE_APIS } from './app/network-policy';

export interface AppChartProps {
  readonly platform: ResolvedPlatform;
  readonly env: ResolvedEnvironment;
  /** The app the chart is named after. */
  readonly app: ResolvedApp;
  /** Migrations that run as PreSync hooks before `app` is synced. */
  readonly migrations: readonly ResolvedApp[];
  /** A preview of the app for a pull request: no static address or certificate, plain HTTP. @default false */
  readonly preview?: boolean;
}

/**
 * Everything one Argo CD Application of an app carries: the app's workload,
 * Service, ServiceAccount, config, secrets, exposure, scaling, disruption
 * budget and network policy, plus the migrations that run before it.
 * Rendered into `dist/<env>/apps/<app>/`.
 */
export class AppChart extends Chart {
  public readonly app: ResolvedApp;

  constructor(scope: Construct, id: string, props: AppChartProps) {
    super(scope, id, { namespace: props.app.namespace, disableResourceNameHashes: true });
    this.app = props.app;
    const { platform, env } = props;
    renderApp(this, { platform, env, app: props.app, hook: false, preview: props.preview ?? false });
    for (const migration of props.migrations) {
      renderApp(new Construct(this, migration.name), { platform, env, app: migration, hook: true, preview: false });
    }
  }
}

/** One app's objects, family by family. */
function renderApp(scope: Construct, options: AppRenderOptions): void {
  const ctx = appRenderContext(options);
  renderIdentityAndConfig(scope, ctx);
  renderNetworkPolicy(scope, ctx);
  renderMonitoring(scope, ctx);
  const workload = renderWorkload(scope, ctx);
  if (workload) renderScaling(scope, ctx, workload);
  renderServices(scope, ctx);
  renderExposure(scope, ctx);
}
