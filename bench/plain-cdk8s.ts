/**
 * The reference a user would write without the platform definition: plain
 * cdk8s + cdk8s-plus-27's high-level (L2) API declaring, for one
 * environment, the same workloads as the synthetic platform: a Deployment
 * per service and worker (container with image, port and resources) and a
 * Service per service, a CronJob per cron job, a Job per migration; one
 * chart per app, written by `App.synth()` one file per object in a folder
 * per chart (the layout closest to our `dist/<env>/apps/<app>/`).
 */
import { App, Chart, Cron, Duration, Size, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { AppSpec, PlatformSpec } from '../src/model';
import { parseCpu, parseMemory } from '../src/model';

export interface PlainResult {
  /** Apps declared (every app, one environment). */
  readonly apps: number;
  /** Objects written. */
  readonly objects: number;
}

/** Declares the platform's workloads with cdk8s-plus-27 and synthesizes them into `outdir`. */
export function synthPlainCdk8s(platform: PlatformSpec, outdir: string): PlainResult {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
  let objects = 0;
  for (const spec of platform.apps) {
    const chart = new Chart(app, spec.name, { namespace: spec.namespace ?? spec.team, disableResourceNameHashes: true });
    const port = spec.ports?.[0];
    const containers = [container(spec, port?.port)];
    const metadata = { name: spec.name };
    const securityContext = { user: 65532, group: 65532 };
    switch (spec.workload.kind) {
      case 'service':
      case 'worker': {
        const deployment = new kplus.Deployment(chart, 'deployment', { metadata, replicas: spec.replicas ?? 1, containers, securityContext });
        objects++;
        if (spec.workload.kind === 'service' && port) {
          deployment.exposeViaService({ name: spec.name, ports: [{ port: port.port, targetPort: port.port }] });
          objects++;
        }
        break;
      }
      case 'cron-job': {
        const [minute, hour, day, month, weekDay] = spec.workload.cron!.schedule.split(' ');
        new kplus.CronJob(chart, 'cron-job', {
          metadata,
          containers,
          securityContext,
          schedule: Cron.schedule({ minute, hour, day, month, weekDay }),
          timeZone: spec.workload.cron!.timeZone,
          activeDeadline: Duration.seconds(spec.workload.cron!.activeDeadlineSeconds ?? 3600),
        });
        objects++;
        break;
      }
      case 'migration':
        new kplus.Job(chart, 'job', { metadata, containers, securityContext, activeDeadline: Duration.seconds(spec.workload.migration!.activeDeadlineSeconds ?? 900) });
        objects++;
        break;
    }
  }
  app.synth();
  return { apps: platform.apps.length, objects };
}

function container(spec: AppSpec, port: number | undefined): kplus.ContainerProps {
  return {
    name: spec.name,
    image: `${spec.image}:1.0.0`,
    portNumber: port,
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
  };
}
