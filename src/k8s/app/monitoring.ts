import type { Construct } from 'constructs';
import { PodMonitoring } from '../crds';
import { selectorLabels } from '../labels';
import type { AppRenderContext } from './context';

/** The app's Prometheus metrics, scraped by Google Cloud Managed Service for Prometheus (a PodMonitoring), when declared. */
export function renderMonitoring(scope: Construct, ctx: AppRenderContext): void {
  const { app } = ctx;
  if (!app.metrics) return;
  new PodMonitoring(scope, 'pod-monitoring', {
    metadata: ctx.meta(app.name),
    selector: selectorLabels(app),
    port: app.metrics.port.name,
    path: app.metrics.path,
    interval: app.metrics.interval,
  });
}
