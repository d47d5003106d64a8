/**
 * The reference a user would write without the platform definition: plain
 * cdk8s + cdk8s-plus-27's high-level (L2) API declaring, for one
 * environment, a Deployment per service and worker (container with image,
 * port and resources) and a Service per service, one chart per app, written
 * by `App.synth()` one file per object in a folder per chart (the layout
 * closest to our `dist/<env>/apps/<app>/`).
 */
import { App, Chart, Size, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { PlatformSpec } from '../src/model';
import { parseCpu, parseMemory } from '../src/model';

export interface PlainResult {
  /** Apps declared (services and workers). */
  readonly apps: number;
  /** Objects written. */
  readonly objects: number;
}

/** Declares the platform's services and workers with cdk8s-plus-27 and synthesizes them into `outdir`. */
export function synthPlainCdk8s(platform: PlatformSpec, outdir: string): PlainResult {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
  let apps = 0;
  let objects = 0;
  for (const spec of platform.apps) {
    const kind = spec.workload.kind;
    if (kind !== 'service' && kind !== 'worker') continue;
    apps++;
    objects++;
    const chart = new Chart(app, spec.name, { namespace: spec.namespace ?? spec.team, disableResourceNameHashes: true });
    const port = spec.ports?.[0];
    const deployment = new kplus.Deployment(chart, 'deployment', {
      metadata: { name: spec.name },
      replicas: spec.replicas ?? 1,
      containers: [{
        name: spec.name,
        image: `${spec.image}:1.0.0`,
        portNumber: port?.port,
        resources: {
          cpu: {
            request: kplus.Cpu.millis(parseCpu(spec.resources?.cpuRequest ?? '100m') ?? 100),
            limit: kplus.Cpu.millis(parseCpu(spec.resources?.cpuLimit ?? '500m') ?? 500),
          },
          memory: {
            request: Size.mebibytes((parseMemory(spec.resources?.memoryRequest ?? '128Mi') ?? 0) / 1024 ** 2),
            limit: Size.mebibytes((parseMemory(spec.resources?.memoryLimit ?? '256Mi') ?? 0) / 1024 ** 2),
          },
        },
        securityContext: { user: 65532, group: 65532 },
      }],
    });
    if (kind === 'service' && port) {
      deployment.exposeViaService({ name: spec.name, ports: [{ port: port.port, targetPort: port.port }] });
      objects++;
    }
  }
  app.synth();
  return { apps, objects };
}
