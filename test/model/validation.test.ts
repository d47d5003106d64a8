import {
  CanaryStep, Delivery, Exposure, PlatformSpec, PlatformValidationError, Probe, SyncPolicy, Tier, ValidationIssue, Workload, asText, formatIssue,
  releaseFile, resolvePlatform,
} from '../../src/model';
import { environment, fullPlatform, pipeline, platform, service, team, worker as workerApp } from '../fixtures';

/** Where a repository laid out like the example declares each part (what the loader tells a synth). */
const declaredIn = (d: object): string | undefined => {
  const named = d as { name?: string; workload?: unknown; tier?: unknown; owners?: unknown };
  if (named.workload !== undefined) return `src/apps/${named.name}.ts`;
  if (named.owners !== undefined) return 'src/teams.ts';
  if (named.tier !== undefined) return `environments/${named.name}.ts`;
  return undefined;
};

/** The issues a declaration fails with (and fails the test if it does not fail). */
function issuesOf(spec: PlatformSpec): ValidationIssue[] {
  try {
    resolvePlatform(spec, { declaredIn });
  } catch (err) {
    expect(err).toBeInstanceOf(PlatformValidationError);
    return [...(err as PlatformValidationError).issues];
  }
  throw new Error('expected the declaration to be rejected');
}

function messagesOf(spec: PlatformSpec): string[] {
  return issuesOf(spec).map(formatIssue);
}

describe('a valid declaration', () => {
  test('resolves with defaults applied once', () => {
    // GIVEN a minimal platform
    const resolved = resolvePlatform(platform());

    // THEN defaults are resolved
    const [dev] = resolved.environments;
    const [web] = dev.apps;
    expect(dev.cluster.name).toBe('test-dev');
    expect(dev.stateBucket).toBe('test-dev-project-tfstate');
    expect(web.namespace).toBe('alpha');
    expect(web.replicas).toBe(1);
    expect(web.resources).toEqual({ cpuRequest: '100m', cpuLimit: '500m', memoryRequest: '128Mi', memoryLimit: '256Mi' });
    expect(web.image).toBe('registry.example.com/apps/web:1.0.0');
    expect(web.identity).toBeUndefined();
  });

  test('secrets imply a cloud identity named after the app, bound to its namespace and service account', () => {
    const resolved = resolvePlatform(platform({ apps: [service('orders-api', { secrets: [{ name: 'db-password', envVar: 'DB_PASSWORD' }] })] }));
    const app = resolved.environments[0].apps[0];
    expect(app.identity).toEqual({
      accountId: 'orders-api',
      email: 'orders-api@test-dev-project.iam.gserviceaccount.com',
      roles: [],
      datasetRoles: [],
      workloadIdentityMember: 'serviceAccount:test-dev-project.svc.id.goog[alpha/orders-api]',
    });
    expect(app.secrets).toEqual([{ name: 'db-password', envVar: 'DB_PASSWORD', secretId: 'orders-api-db-password', kubernetesSecretName: 'orders-api-db-password' }]);
  });

  test('per-environment overrides merge over the declaration', () => {
    const web = service('web', { env: { A: '1', B: '2' }, resources: { cpuRequest: '200m' } });
    const resolved = resolvePlatform(platform({
      apps: [web],
      environments: [environment('dev', ['web'], { apps: { web: { env: { B: 'x' }, resources: { memoryLimit: '1Gi' }, replicas: 3 } } })],
    }));
    const app = resolved.environments[0].apps[0];
    expect(app.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: 'x' }]);
    expect(app.resources).toEqual({ cpuRequest: '200m', cpuLimit: '500m', memoryRequest: '128Mi', memoryLimit: '1Gi' });
    expect(app.replicas).toBe(3);
  });

  test('a disabled app is not deployed in that environment', () => {
    const resolved = resolvePlatform(platform({
      apps: [service('web'), service('api')],
      environments: [environment('dev', ['web'], { apps: { api: { enabled: false } } })],
    }));
    expect(resolved.environments[0].apps.map((a) => a.name)).toEqual(['web']);
  });

  test('a migration of the same image follows the version of the app it migrates', () => {
    const migrate = { ...service('web-migrate'), workload: Workload.migration({ migrates: 'web' }), ports: [], probes: {}, image: 'registry.example.com/apps/web' };
    const resolved = resolvePlatform(platform({ apps: [service('web'), migrate], environments: [environment('dev', ['web'])] }));
    const m = resolved.environments[0].apps.find((a) => a.name === 'web-migrate')!;
    expect(m.tag).toBe('1.0.0');
    expect(m.deployedWith).toBe('web');
  });

  test('the config map name carries a hash of the content', () => {
    const render = (content: string) => resolvePlatform(platform({ apps: [service('web', { configFiles: { 'app.yaml': content } })] }))
      .environments[0].apps[0].configMapName;
    expect(render('a: 1\n')).toMatch(/^web-config-[0-9a-f]{10}$/);
    expect(render('a: 1\n')).toBe(render('a: 1\n'));
    expect(render('a: 2\n')).not.toBe(render('a: 1\n'));
  });
});

describe('invalid declarations fail with where, what, the value and the fix', () => {
  test('every problem is reported at once, not just the first', () => {
    const issues = issuesOf(platform({ apps: [service('Bad_Name'), service('web', { team: 'nobody' })] }));
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['apps[0].name', 'apps.web.team']));
  });

  test('duplicate app names: one problem, naming the file of each declaration', () => {
    expect(messagesOf(platform({ apps: [service('web'), service('web')] }))).toEqual([
      'apps.web: is declared twice (received "web"); give each app a unique name (it names the Deployment, Service and Argo CD Application) [src/apps/web.ts]',
    ]);
    const elsewhere = service('web', { sourceFile: 'src/apps/shop/web.ts' });
    expect(messagesOf(platform({ apps: [service('web'), elsewhere] }))).toEqual([
      'apps.web: is declared twice (first in src/apps/web.ts) (received "web"); give each app a unique name (it names the Deployment, Service and Argo CD Application) [src/apps/shop/web.ts]',
    ]);
  });

  test('a name that is not a DNS label', () => {
    const [issue] = issuesOf(platform({ apps: [service('Web_App')] }));
    expect(issue.path).toBe('apps[0].name');
    expect(issue.received).toBe('Web_App');
    expect(formatIssue(issue)).toContain('must be a DNS-1035 label');
  });

  test('a name too long once a suffix is added', () => {
    const name = `a${'b'.repeat(52)}`;
    const [issue] = issuesOf(platform({ apps: [service(name)] }));
    expect(formatIssue(issue)).toContain('at most 52 characters');
  });

  test('an unknown team, with a suggestion', () => {
    expect(messagesOf(platform({ apps: [service('web', { team: 'alpah' })] }))).toContainEqual(
      'apps.web.team: names a team that is not declared (received "alpah"); use a declared team (did you mean "alpha"?) [src/apps/web.ts]',
    );
  });

  test('ports out of range, privileged or clashing', () => {
    const messages = messagesOf(platform({
      apps: [service('web', { ports: [{ name: 'http', port: 70000 }, { name: 'admin', port: 80 }, { name: 'http', port: 8081 }, { name: 'grpc', port: 8081 }] })],
    }));
    expect(messages).toEqual(expect.arrayContaining([
      'apps.web.ports[0].port: is out of range (received 70000); use a port number from 1 to 65535 (above 1024: containers run as non-root) [src/apps/web.ts]',
      expect.stringContaining('apps.web.ports[1].port: is a privileged port'),
      'apps.web.ports[2].name: clashes with another port of the same name (received "http"); give each port a unique name [src/apps/web.ts]',
      'apps.web.ports[3].port: clashes with another port of the app (received 8081); give each port a unique number [src/apps/web.ts]',
    ]));
  });

  test('a service without ports, a probe on an undeclared port, a missing liveness probe', () => {
    const messages = messagesOf(platform({
      apps: [
        service('web', { ports: [], probes: { readiness: Probe.http('/ready', 'http') } }),
      ],
    }));
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringContaining('apps.web.ports: is empty, but a service needs at least one port'),
      expect.stringContaining('apps.web.probes.readiness.port: names a port the app does not declare (received "http")'),
      expect.stringContaining('apps.web.probes.liveness: is missing; every service needs a liveness probe'),
    ]));
  });

  test('a version missing for an environment names the release file and both fixes', () => {
    const issues = issuesOf(platform({
      apps: [service('web'), service('api')],
      environments: [environment('prod', ['web'], { tier: Tier.PRODUCTION })],
    }));
    const issue = issues.find((i) => i.path === 'release.apps.api')!;
    expect(issue.environment).toBe('prod');
    expect(issue.file).toBe('environments/releases/prod.json');
    expect(formatIssue(issue)).toBe(
      'release.apps.api in prod: is missing: the app has no version in this environment; add "api": {"tag": "<version>", "digest": "sha256:<digest>"} to environments/releases/prod.json, or set apps["api"].enabled = false in environments/prod.ts [environments/releases/prod.json]',
    );
  });

  test('a "latest" tag and a malformed digest', () => {
    const messages = messagesOf(platform({
      environments: [environment('dev', [], {}, { web: { tag: 'latest', digest: 'sha256:xyz' } })],
    }));
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringContaining('release.apps.web.tag in dev: is "latest", which names no fixed version'),
      expect.stringContaining('release.apps.web.digest in dev: is not an image digest (received "sha256:xyz")'),
    ]));
  });

  test('a production release entry with a malformed tag and no digest reports both', () => {
    const prod = environment('prod', [], { tier: Tier.PRODUCTION, apps: { web: { replicas: 2 } } }, { web: { tag: '1.0.0 ' } });
    expect(messagesOf(platform({ environments: [prod] }))).toEqual([
      'release.apps.web.tag in prod: is not an image tag (received "1.0.0 "); remove the spaces: "1.0.0" [environments/releases/prod.json]',
      'release.apps.web.digest in prod: is missing: production images must be pinned to a digest (a tag can be pushed again); '
        + 'add "digest": "sha256:<digest>" next to the tag in environments/releases/prod.json, as the registry reports it (npm run promote copies it) [environments/releases/prod.json]',
    ]);
  });

  test('a release tag written as a number says to quote it', () => {
    const dev = environment('dev', [], {}, { web: { tag: 2.1 as never } });
    expect(messagesOf(platform({ environments: [dev] }))).toEqual([
      'release.apps.web.tag in dev: must be a string, but is a number (received 2.1); write it in quotes, exactly as the image was tagged, e.g. "tag": "2.1" [environments/releases/dev.json]',
    ]);
  });

  test('a release entry written as a bare tag is one problem, with the entry to write', () => {
    const dev = environment('dev', ['web'], {}, { web: '1.2.0' as never });
    expect(messagesOf(platform({ environments: [dev] }))).toEqual([
      'release.apps.web in dev: must be an object {"tag": "...", "digest": "sha256:..."} (received "1.2.0"); write "web": {"tag": "1.2.0"} [environments/releases/dev.json]',
    ]);
  });

  test('a malformed release file', () => {
    const messages = messagesOf(platform({ environments: [{ ...environment('dev', ['web']), release: releaseFile('environments/releases/dev.json', ['web']) }] }));
    expect(messages).toContainEqual(expect.stringMatching(/^release in dev: is not a release file of the form .*\[environments\/releases\/dev.json\]$/));
  });

  test('an override of an app that does not exist, with a suggestion and the file', () => {
    const [issue] = issuesOf(platform({ environments: [environment('dev', ['web'], { apps: { wbe: { replicas: 2 } } })] }));
    expect(formatIssue(issue)).toBe('apps.wbe in dev: overrides an app that is not declared (received "wbe"); fix the name (did you mean "web"?) [environments/dev.ts]');
  });

  test('an image with a tag', () => {
    const [issue] = issuesOf(platform({ apps: [service('web', { image: 'registry.example.com/apps/web:1.2.3' })] }));
    expect(issue.path).toBe('apps.web.image');
    expect(issue.fix).toContain('europe-docker.pkg.dev');
  });

  test('limits below requests, quantities that do not parse', () => {
    const messages = messagesOf(platform({ apps: [service('web', { resources: { cpuRequest: '2', cpuLimit: '500m', memoryRequest: 'lots' } })] }));
    expect(messages).toEqual(expect.arrayContaining([
      'apps.web.resources.cpuLimit: is below the CPU request 2 (received "500m"); raise cpuLimit to at least cpuRequest [src/apps/web.ts]',
      'apps.web.resources.memoryRequest: is not a memory quantity (received "lots"); write e.g. "256Mi" or "1Gi" [src/apps/web.ts]',
    ]));
  });

  test('autoscaling bounds the wrong way round, in an environment override', () => {
    const [issue] = issuesOf(platform({ environments: [environment('dev', ['web'], { apps: { web: { autoscaling: { minReplicas: 5, maxReplicas: 2 } } } })] }));
    expect(formatIssue(issue)).toBe('apps.web.autoscaling.minReplicas in dev: is above maxReplicas 2 (received 5); make minReplicas <= maxReplicas [environments/dev.ts]');
  });

  test('a namespace owned by two teams, a reserved namespace', () => {
    const messages = messagesOf(platform({
      teams: [
        { name: 'alpha', owners: 'alpha@example.com', namespaces: ['shared'] },
        { name: 'beta', owners: 'beta@example.com', namespaces: ['shared', 'kube-system'] },
      ],
      apps: [service('web', { namespace: 'shared' })],
    }));
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringContaining('teams.beta.namespaces: holds namespace "shared", which team "alpha" already owns'),
      expect.stringContaining('teams.beta.namespaces: holds a namespace reserved for the system (received "kube-system")'),
    ]));
  });

  test('calls to an unknown app or to a non-service', () => {
    const worker = { ...service('worker'), workload: Workload.worker(), ports: [], probes: { readiness: Probe.exec(['true']), liveness: Probe.exec(['true']) } };
    const messages = messagesOf(platform({ apps: [service('web', { calls: ['apii', 'worker'] }), service('api'), worker] }));
    expect(messages).toEqual(expect.arrayContaining([
      'apps.web.calls[0]: names an app that is not declared (received "apii"); call a declared app (did you mean "api"?) [src/apps/web.ts]',
      expect.stringContaining('apps.web.calls[1]: names "worker", which is a worker and has no Service to call'),
    ]));
  });

  test('calls limited to ports: each port must be one of the callee\'s, each callee listed once, each entry a name or { app, ports }', () => {
    const api = service('api', { ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }] });
    const calls = [{ app: 'api', ports: ['http', 'htp'] }, 'api', { app: 'api', ports: [] }, 42, { ports: ['http'] }];
    const issues = issuesOf(platform({ apps: [service('web', { calls: calls as never }), api] }));
    expect(issues.map((i) => `${i.path}: ${i.message} (received ${JSON.stringify(i.received)}); ${i.fix}`)).toEqual([
      'apps.web.calls[0].ports[1]: is not a port of "api" (received "htp"); use one of ["http","metrics"] (did you mean "http"?)',
      'apps.web.calls[1]: calls "api" a second time (received "api"); list each app once, with every port it calls in one entry',
      'apps.web.calls[2].app: calls "api" a second time (received "api"); list each app once, with every port it calls in one entry',
      'apps.web.calls[3]: must be an app name or { app, ports } (received 42); write e.g. "catalog-api", or { app: "catalog-api", ports: ["http"] }',
      'apps.web.calls[4]: must be an app name or { app, ports } (received {"ports":["http"]}); write e.g. "catalog-api", or { app: "catalog-api", ports: ["http"] }',
    ]);
    const misspelt = issuesOf(platform({ apps: [service('web', { calls: [{ app: 'api', port: ['http'] } as never] }), api] }));
    expect(misspelt.map((i) => `${i.path}: ${i.message} (received ${JSON.stringify(i.received)}); ${i.fix}`)).toEqual([
      'apps.web.calls[0].port: is not a field of a call, so it would be ignored (received ["http"]); fix the name (did you mean "ports"?), or remove it',
    ]);
    const empty = issuesOf(platform({ apps: [service('web', { calls: [{ app: 'api', ports: [] }] }), api] }));
    expect(empty.map((i) => `${i.path}: ${i.message}; ${i.fix}`)).toEqual([
      'apps.web.calls[0].ports: must be a non-empty list of port names; name ports of "api" (["http","metrics"]), or omit ports to call all of them',
    ]);
  });

  test('an identity whose default account id does not fit', () => {
    const [issue] = issuesOf(platform({ apps: [service('web', { identity: { roles: ['roles/pubsub.subscriber'] } })] }));
    expect(issue.path).toBe('apps.web.identity.accountId');
    expect(issue.received).toBe('web');
    expect(issue.fix).toContain('set identity.accountId, e.g. "web-sa"');
  });

  test('administrative roles are refused', () => {
    const [issue] = issuesOf(platform({ apps: [service('web-app', { identity: { roles: ['roles/owner'] } })] }));
    expect(formatIssue(issue)).toContain('apps.web-app.identity.roles[0]: grants administrative rights');
  });

  test('a cron schedule that is not five fields, in the declaration and in an override', () => {
    const cron = { ...service('nightly'), workload: Workload.cronJob({ schedule: 'every night' }), ports: [], probes: {} };
    const messages = messagesOf(platform({ apps: [cron], environments: [environment('dev', ['nightly'], { apps: { nightly: { schedule: '* * *' } } })] }));
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringContaining('apps.nightly.workload.schedule: is not a five-field cron expression (received "every night")'),
      expect.stringContaining('apps.nightly.schedule in dev: is not a five-field cron expression (received "* * *")'),
    ]));
  });

  test('probes and replicas on a job', () => {
    const job = { ...service('nightly'), workload: Workload.cronJob({ schedule: '0 2 * * *' }), ports: [], replicas: 2 };
    const messages = messagesOf(platform({ apps: [job] }));
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringContaining('apps.nightly.probes.readiness: does not apply to a cron-job'),
      expect.stringContaining('apps.nightly.replicas: does not apply to a cron-job'),
    ]));
  });

  test('a migration of an app that does not exist', () => {
    const m = { ...service('migrate'), workload: Workload.migration({ migrates: 'wbe' }), ports: [], probes: {} };
    expect(messagesOf(platform({ apps: [service('web'), m] }))).toContainEqual(expect.stringContaining('apps.migrate.workload.migrates: names an app that is not declared (received "wbe"); name the app this migration runs before (did you mean "web"?)'));
  });

  test('two public apps on one host', () => {
    const messages = messagesOf(platform({
      apps: [service('web', { exposure: Exposure.public({ subdomain: 'www' }) }), service('shop', { exposure: Exposure.public({ subdomain: 'www' }) })],
    }));
    expect(messages).toContainEqual(expect.stringContaining('apps.shop.host in dev: is also the host of app "web" (received "www.dev.example.com")'));
  });

  test('a quota too small for the namespace at full scale', () => {
    const [issue] = issuesOf(platform({
      teams: [{ name: 'alpha', owners: 'alpha@example.com', quota: { requestsCpu: '500m' } }],
      apps: [service('web', { autoscaling: { maxReplicas: 10 } })],
    }));
    expect(issue.path).toBe('teams.alpha.quota');
    expect(formatIssue(issue)).toContain('CPU requests 1.1 > quota 500m');
  });

  test('a quota that fits the peak but not a rollout at the peak: limits too, and each strategy\'s surge', () => {
    // 10 pods of 100m/500m at most; each strategy adds its own surge at that size.
    const quotaFor = (delivery: Delivery, limitsCpu: string) => issuesOf(platform({
      teams: [{ name: 'alpha', owners: 'alpha@example.com', quota: { requestsCpu: '100', limitsCpu } }],
      apps: [service('web', { autoscaling: { maxReplicas: 10 }, delivery })],
    })).map((i) => formatIssue(i));
    expect(quotaFor(Delivery.rollingUpdate({ maxSurge: 2 }), '5.5')).toEqual([expect.stringContaining('CPU limits 6 > quota 5.5')]);
    expect(quotaFor(Delivery.canary({ steps: [CanaryStep.weight(50)] }), '6')).toEqual([expect.stringContaining('CPU limits 6.5 > quota 6')]);
    expect(quotaFor(Delivery.blueGreen(), '9.5')).toEqual([expect.stringContaining('CPU limits 10 > quota 9.5')]);
    expect(quotaFor(Delivery.blueGreen(), '9.5')[0]).toContain('raise teams["alpha"].quota in src/teams.ts to at least { limitsCpu: "10" }');
  });

  test('a team\'s quota too small in several environments is one problem in the team\'s file, with the sums and the fix', () => {
    const web = service('web', { autoscaling: { maxReplicas: 4 } });
    const spec = { ...pipeline([web, workerApp('jobs')]), teams: [team('alpha', { quota: { requestsCpu: '500m' } })] };
    expect(messagesOf(spec)).toEqual([
      'teams.alpha.quota: is too small for namespace "alpha" at peak (every autoscaler at max, plus each rollout\'s surge): '
        + 'in dev, CPU requests 0.7 > quota 500m (jobs 2 x 100m + web 5 x 100m); CPU limits 3.5 > quota 1 (jobs 2 x 500m + web 5 x 500m); '
        + 'in staging, CPU requests 0.7 > quota 500m (jobs 2 x 100m + web 5 x 100m); CPU limits 3.5 > quota 1 (jobs 2 x 500m + web 5 x 500m); '
        + 'in prod, CPU requests 0.8 > quota 500m (jobs 3 x 100m + web 5 x 100m); CPU limits 4 > quota 1 (jobs 3 x 500m + web 5 x 500m) (received {"requestsCpu":"500m"}); '
        + 'raise teams["alpha"].quota in src/teams.ts to at least { requestsCpu: "0.8", limitsCpu: "4" }, or raise it for one environment in that environment\'s file (teams: { ... quota }), '
        + 'or lower maxReplicas, resources or the surge [src/teams.ts]',
    ]);
  });

  test('an environment\'s quota override too small is a problem of that environment\'s file', () => {
    const spec = pipeline([service('web', { autoscaling: { maxReplicas: 4 } })], { staging: { teams: { alpha: { quota: { pods: 2 } } } } });
    expect(messagesOf(spec)).toEqual([
      expect.stringMatching(/^teams\.alpha\.quota in staging: is too small for namespace "alpha" at peak .*: pods 5 > quota 2 \(web 5\) .*raise teams\["alpha"\]\.quota in environments\/staging\.ts to at least .*\[environments\/staging\.ts\]$/),
    ]);
  });

  test('overlapping cluster ranges, an open control plane', () => {
    const messages = messagesOf(platform({
      environments: [environment('dev', ['web'], {
        cluster: { podsCidr: '10.0.0.0/14', authorizedNetworks: [{ name: 'anyone', cidr: '0.0.0.0/0' }] },
      })],
    }));
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringContaining('cluster.podsCidr in dev: overlaps cluster.nodesCidr 10.0.0.0/20'),
      expect.stringContaining('cluster.authorizedNetworks[0].cidr in dev: opens the control plane to the whole internet'),
    ]));
  });

  test('egress to an endpoint no environment declares, and an endpoint inside the cluster\'s ranges', () => {
    const messages = messagesOf(platform({
      apps: [service('web', { egress: ['orders-db', 'payments'] })],
      environments: [environment('dev', ['web'], { endpoints: { 'orders-db': { description: 'Cloud SQL', cidr: '10.4.1.0/24', ports: [5432] } } })],
    }));
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringContaining('apps.web.egress[1]: names endpoint "payments", which no environment declares (received "payments")'),
      expect.stringContaining('endpoints.orders-db.cidr in dev: overlaps cluster.podsCidr 10.4.0.0/14 (received "10.4.1.0/24")'),
    ]));
  });

  test('egress to an endpoint one environment lacks is reported in that environment\'s file', () => {
    const db = { 'orders-db': { description: 'Cloud SQL', cidr: '10.20.1.0/24', ports: [5432] } };
    const spec = pipeline([service('web', { egress: ['orders-db'] })], { dev: { endpoints: db }, prod: { endpoints: db } });
    expect(messagesOf(spec)).toEqual([
      expect.stringMatching(/^apps\.web\.egress in staging: names endpoint "orders-db", which this environment does not declare .*\[environments\/staging\.ts\]$/),
    ]);
  });

  test('two environments in one GCP project', () => {
    const messages = messagesOf(platform({
      environments: [environment('dev', ['web'], { gcpProject: 'shared-project' }), environment('prod', ['web'], { gcpProject: 'shared-project', tier: Tier.PRODUCTION })],
    }));
    expect(messages).toContainEqual(expect.stringContaining('gcpProject in prod: is also the project of environment "dev"'));
  });

  test('wrong types from plain JavaScript are reported, not crashed on', () => {
    const spec = platform({ apps: [service('web', { workload: 'service' as never, env: { PORT: 8080 as never } })] });
    const messages = messagesOf(spec);
    expect(messages).toContainEqual(expect.stringContaining('apps.web.workload: must be a Workload (received "service")'));
    const typed = messagesOf(platform({ apps: [service('web', { env: { PORT: 8080 as never } })] }));
    expect(typed).toContainEqual('apps.web.env.PORT: must be a string (received 8080); quote it, e.g. PORT: "8080" [src/apps/web.ts]');
  });
});

describe('a misspelt field is an error, not a silently missing setting', () => {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  const typo = (x: object): any => x; // what a synth sees when TypeScript has not checked the declaration

  test('in apps, their nested objects and the options of the model\'s factories', () => {
    const web = service('web', typo({
      secerts: [{ name: 'signing-key', envVar: 'SIGNING_KEY' }],
      resources: { cpuRequest: '100m', cpuLimt: '200m' },
      ports: [{ name: 'http', port: 8080, protcol: 'TCP' }],
      probes: { readiness: Probe.http('/ready', 'http', typo({ initialDelaySecond: 5 })), liveness: Probe.http('/live', 'http') },
      exposure: Exposure.public(typo({ subdomain: 'shop', paht: '/' })),
      delivery: Delivery.rollingUpdate(typo({ maxSurg: 2 })),
    }));
    const cron = service('nightly', { workload: Workload.cronJob(typo({ schedule: '0 3 * * *', timezone: 'Europe/Paris' })), ports: [], probes: {} });
    const issues = issuesOf(platform({ apps: [web, cron] }));
    expect(issues.map((i) => `${i.path}: ${i.message}; ${i.fix}`).sort()).toEqual([
      'apps.nightly.workload.timezone: is not a field of Workload.cronJob options, so it would be ignored; fix the name (did you mean "timeZone"?), or remove it',
      'apps.web.delivery.maxSurg: is not a field of Delivery.rollingUpdate options, so it would be ignored; fix the name (did you mean "maxSurge"?), or remove it',
      'apps.web.exposure.paht: is not a field of Exposure.public options, so it would be ignored; fix the name (did you mean "path"?), or remove it',
      'apps.web.ports[0].protcol: is not a field of a port, so it would be ignored; fix the name (did you mean "protocol"?), or remove it',
      'apps.web.probes.readiness.initialDelaySecond: is not a field of probe timing, so it would be ignored; fix the name (did you mean "initialDelaySeconds"?), or remove it',
      'apps.web.resources.cpuLimt: is not a field of resources, so it would be ignored; fix the name (did you mean "cpuLimit"?), or remove it',
      'apps.web.secerts: is not a field of an app, so it would be ignored; fix the name (did you mean "secrets"?), or remove it',
    ]);
    expect(issues.find((i) => i.path === 'apps.web.secerts')!.received).toEqual([{ name: 'signing-key', envVar: 'SIGNING_KEY' }]);
  });

  test('in environments, their overrides and SyncPolicy options, naming the environment and its file', () => {
    const prod = environment('prod', ['web'], typo({
      tier: Tier.PRODUCTION,
      sourceFile: 'environments/prod.ts',
      syncWindow: [{ kind: 'deny', schedule: '0 16 * * 5', duration: '64h' }],
      sync: SyncPolicy.automated(typo({ selfheal: false })),
      apps: { web: { replicas: 2, replcas: 3 } },
      teams: { alpha: { quota: { requestCpu: '8' } } },
    }));
    const issues = issuesOf(platform({ environments: [prod] }));
    expect(issues.map((i) => [i.environment, i.file, i.path])).toEqual(expect.arrayContaining([
      ['prod', 'environments/prod.ts', 'syncWindow'],
      ['prod', 'environments/prod.ts', 'sync.selfheal'],
      ['prod', 'environments/prod.ts', 'apps.web.replcas'],
      ['prod', 'environments/prod.ts', 'teams.alpha.quota.requestCpu'],
    ]));
    expect(issues).toHaveLength(4);
    expect(formatIssue(issues.find((i) => i.path === 'syncWindow')!)).toContain('did you mean "syncWindows"?');
  });

  test('a release file may name its JSON schema, for editors', () => {
    const dev = environment('dev', ['web']);
    const content = { $schema: './release.schema.json', ...(dev.release.content as object) };
    expect(() => resolvePlatform(platform({ environments: [{ ...dev, release: releaseFile(dev.release.file, content) }] }))).not.toThrow();
  });

  test('in a release file, naming the file', () => {
    const dev = environment('dev', ['web'], {}, typo({ web: { tag: '1.0.0', digets: `sha256:${'b'.repeat(64)}` } }));
    const [issue] = issuesOf(platform({ environments: [dev] }));
    expect(formatIssue(issue)).toBe(`release.apps.web.digets in dev: is not a field of a release entry, so it would be ignored (received "sha256:${'b'.repeat(64)}"); `
      + 'fix the name (did you mean "digest"?), or remove it [environments/releases/dev.json]');
  });

  test('at the top of the platform and in teams', () => {
    const spec = typo({ ...platform(), gitOps: {}, teams: [{ name: 'alpha', owners: 'alpha@example.com', namespace: ['alpha'] }] });
    expect(issuesOf(spec).map((i) => i.path).sort()).toEqual(['gitOps', 'teams[0].namespace']);
  });

  test('a platform that uses every part of the declaration has no unknown field', () => {
    // (The example platform is checked in test/example.properties.test.ts.)
    expect(() => resolvePlatform(fullPlatform())).not.toThrow();
  });
});

describe('a value of the wrong type says so, and how to write it', () => {
  test('a port written as a string; enabled written as a string', () => {
    expect(messagesOf(platform({ apps: [service('web', { ports: [{ name: 'http', port: '8080' as never }] })] })))
      .toContain('apps.web.ports[0].port: must be a whole number (received "8080"); write the port as a number, e.g. port: 8080 (not "8080") [src/apps/web.ts]');
    const dev = environment('dev', ['web'], { apps: { web: { enabled: 'false' as never } } });
    expect(messagesOf(platform({ environments: [dev] }))).toEqual(expect.arrayContaining([
      'apps.web.enabled in dev: must be true or false, but is a string (received "false"); write it without quotes: enabled: false [environments/dev.ts]',
    ]));
  });
});

describe('preview quotas', () => {
  test('each preview (one pod, plus one while a push rolls out) must fit the previews\' quota', () => {
    const previews = { github: { owner: 'acme', repo: 'platform' }, domain: 'preview.example.com' };
    const big = service('web', { resources: { cpuRequest: '600m', cpuLimit: '1' } });
    const dev = environment('dev', ['web'], { previews });
    const [issue] = issuesOf(platform({ apps: [big], environments: [dev] }));
    expect(formatIssue(issue)).toBe('previews.quota in dev: is too small for app "web"\'s preview (one pod, plus one while a push rolls out): CPU requests 1.2 > quota 1 '
      + '(received {"requestsCpu":"1","requestsMemory":"2Gi","limitsCpu":"2","limitsMemory":"4Gi","pods":10}); '
      + 'raise previews.quota in environments/dev.ts (at least 1.2 CPU and 256Mi requested, 2 CPU and 512Mi in limits, 2 pods), or lower the app\'s resources [environments/dev.ts]');
    expect(() => resolvePlatform(platform({ apps: [big], environments: [environment('dev', ['web'], { previews: { ...previews, quota: { requestsCpu: '2' } } })] }))).not.toThrow();
  });
});

describe('one mistake, one problem', () => {
  test('a release file with a misspelt "apps" says so once, with the fix, instead of every app missing its version', () => {
    const dev = environment('dev', ['web']);
    const misspelt = { ...dev, release: releaseFile(dev.release.file, { aps: (dev.release.content as { apps: unknown }).apps }) };
    const messages = messagesOf(platform({ environments: [misspelt] }));
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/^release in dev: is not a release file of the form/);
    expect(messages[1]).toMatch(/^release\.aps in dev: is not a field of a release file.*did you mean "apps"\?/);
  });
});

test('a problem names the file that declares the app (as the loader saw it), or the sourceFile it declares, never a guess', () => {
  const [byDefault] = issuesOf(platform({ apps: [service('web', { team: 'nope' })] }));
  expect(byDefault.file).toBe('src/apps/web.ts');
  let unknown: ValidationIssue | undefined;
  try {
    resolvePlatform(platform({ apps: [service('web', { team: 'nope' })] }));
  } catch (err) {
    unknown = (err as PlatformValidationError).issues[0];
  }
  expect(unknown?.path).toBe('apps.web.team');
  expect(unknown?.file).toBeUndefined();
  const [declared] = issuesOf(platform({ apps: [service('web', { team: 'nope', sourceFile: 'src/apps/shop/web.ts' })] }));
  expect(formatIssue(declared)).toMatch(/\[src\/apps\/shop\/web\.ts\]$/);
});

test('$(NAME) in args or command must be one of the app\'s variables in that environment; $$(NAME) is the text itself', () => {
  const web = service('web', {
    args: ['--project=$(GCP_PROJECT)', '--literal=$$(NOT_A_VAR)'],
    command: ['/app', '--key=$(API_KEY)'],
    secrets: [{ name: 'api-key', envVar: 'API_KEY' }],
    identity: { accountId: 'web-app' },
  });
  const withVar = environment('dev', ['web'], { apps: { web: { env: { GCP_PROJECT: 'test-dev-project' } } } });
  expect(() => resolvePlatform(platform({ apps: [web], environments: [withVar] }))).not.toThrow();
  const [issue] = issuesOf(platform({ apps: [web], environments: [environment('dev', ['web'])] }));
  expect(formatIssue(issue)).toBe('apps.web.args[0] in dev: refers to $(GCP_PROJECT), which is not one of the app\'s variables in this environment '
    + '(Kubernetes would pass the text "$(GCP_PROJECT)" as it is) (received "--project=$(GCP_PROJECT)"); '
    + 'set env GCP_PROJECT for the app (in environments/dev.ts, or on the app for every environment), or write $$(GCP_PROJECT) for the text itself [environments/dev.ts]');
});

test('asText never throws, even on a Proxy whose every read throws', () => {
  const trap = () => {
    throw new Error('no');
  };
  const proxy = new Proxy({}, { get: trap, getPrototypeOf: trap, has: trap, ownKeys: trap });
  expect(asText(proxy)).toBe('<unprintable>');
  expect(asText({ toString: [] })).toBe('[object Object]');
  expect(asText('text')).toBe('text');
});

describe('refused at synth as the cluster or Argo CD would refuse it', () => {
  const cron = (schedule: string, timeZone?: string) => service('report', {
    workload: Workload.cronJob({ schedule, timeZone }), ports: [], probes: {},
  });

  test.each([
    ['0 25 * * *', 'hour "25": 25 is above the maximum 23'],
    ['0 2 32 * *', 'day of month "32": 32 is above the maximum 31'],
    ['61 * * * *', 'minute "61": 61 is above the maximum 59'],
    ['0 2 * 13 *', 'month "13": 13 is above the maximum 12'],
    ['0 2 * * 7', 'day of week "7": 7 is above the maximum 6'],
    ['0 2 0 * *', 'day of month "0": 0 is below the minimum 1'],
    ['*/0 * * * *', 'minute "*/0": the step must be a positive number'],
    ['5-1 * * * *', 'minute "5-1": the range starts at 5, after its end 1'],
    ['0 2 * * mun', 'day of week "mun": "mun" is not a number or a name'],
    ['CRON_TZ=UTC 0 2 * * *', 'holds TZ= or CRON_TZ=, which the API server refuses'],
    ['@fortnightly', 'is not one of the descriptors'],
  ])('a CronJob schedule %j', (schedule, problem) => {
    const [issue] = issuesOf(platform({ apps: [cron(schedule)], environments: [environment('dev', ['report'])] }));
    expect(issue.path).toBe('apps.report.workload.schedule');
    expect(issue.file).toBe('src/apps/report.ts');
    expect(formatIssue(issue)).toContain(problem);
  });

  test.each(['0 2 * * *', '*/15 1-5 * jan-mar mon-fri', '0 0 1,15 * ?', '@daily', '@every 1h30m', '0 2 * * SUN'])('a valid CronJob schedule %j', (schedule) => {
    expect(() => resolvePlatform(platform({ apps: [cron(schedule)], environments: [environment('dev', ['report'])] }))).not.toThrow();
  });

  test('a time zone that is not an IANA name, with the closest one', () => {
    const [issue] = issuesOf(platform({ apps: [cron('0 2 * * *', 'Europe/Pariss')], environments: [environment('dev', ['report'])] }));
    expect(formatIssue(issue)).toBe('apps.report.workload.timeZone: is not an IANA time zone (received "Europe/Pariss"); write "Europe/Paris" [src/apps/report.ts]');
    const [wrongCase] = issuesOf(platform({ apps: [cron('0 2 * * *', 'europe/paris')], environments: [environment('dev', ['report'])] }));
    expect(formatIssue(wrongCase)).toContain('is not spelt as the tz database spells it ("Europe/Paris")');
    for (const zone of ['Etc/UTC', 'UTC', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata']) {
      expect(() => resolvePlatform(platform({ apps: [cron('0 2 * * *', zone)], environments: [environment('dev', ['report'])] }))).not.toThrow();
    }
  });

  test('a sync window: no descriptors (Argo CD\'s parser), ranges and time zone checked; the environment\'s file named', () => {
    const messages = messagesOf(platform({
      environments: [environment('dev', ['web'], {
        syncWindows: [
          { kind: 'deny', schedule: '@daily', duration: '1h' },
          { kind: 'deny', schedule: '0 16 * * 8', duration: '1h', timeZone: 'Europe/Pariss' },
        ],
      })],
    }));
    expect(messages).toEqual([
      expect.stringMatching(/^syncWindows\[0\]\.schedule in dev: is not a valid cron schedule: is a descriptor, which Argo CD's sync windows do not accept .*\[environments\/dev\.ts\]$/),
      expect.stringMatching(/^syncWindows\[1\]\.schedule in dev: is not a valid cron schedule: day of week "8": 8 is above the maximum 6 .*\[environments\/dev\.ts\]$/),
      expect.stringMatching(/^syncWindows\[1\]\.timeZone in dev: is not an IANA time zone \(received "Europe\/Pariss"\); write "Europe\/Paris" \[environments\/dev\.ts\]$/),
    ]);
  });

  test('an environment claiming another\'s domain or state bucket; each once, in the later environment\'s file', () => {
    const prod = environment('prod', ['shop'], { tier: Tier.PRODUCTION, domain: 'acme.example', stateBucket: 'acme-tf' });
    const staging = environment('staging', ['shop'], { domain: 'staging.acme.example', stateBucket: 'acme-tf' });
    expect(messagesOf(platform({ apps: [service('shop')], environments: [staging, prod] }))).toEqual([
      'stateBucket in prod: is also the Terraform state bucket of environment "staging" (environments/staging.ts) (received "acme-tf"); give each environment its own state bucket (two stacks in one state overwrite each other), or omit it for <gcpProject>-tfstate [environments/prod.ts]',
    ]);
  });

  test('staging claiming prod\'s host (derived from the app\'s subdomain): reported once, in staging\'s file, whatever the order', () => {
    const shop = service('shop', { exposure: Exposure.public({ subdomain: 'shop' }) });
    const prod = environment('prod', ['shop'], { tier: Tier.PRODUCTION, domain: 'acme.example' });
    const staging = environment('staging', ['shop'], { domain: 'staging.acme.example', apps: { shop: { host: 'shop.acme.example' } } });
    const expected = [
      'apps.shop.host in staging: is also the host of app "shop" in environment "prod" (received "shop.acme.example"); '
        + 'give each environment its own host, under its domain "staging.acme.example" (one load balancer and certificate answer for a host) [environments/staging.ts]',
    ];
    expect(messagesOf(platform({ apps: [shop], environments: [staging, prod] }))).toEqual(expected);
    expect(messagesOf(platform({ apps: [shop], environments: [prod, staging] }))).toEqual(expected);
  });

  test('two non-production environments on one host, each under its own domain: the later one is reported', () => {
    const shop = service('shop', { exposure: Exposure.public({ subdomain: 'shop' }) });
    const dev = environment('dev', ['shop'], { domain: 'dev.acme.example', apps: { shop: { host: 'shop.test.acme.example' } } });
    const staging = environment('staging', ['shop'], { domain: 'staging.acme.example', apps: { shop: { host: 'shop.test.acme.example' } } });
    expect(messagesOf(platform({ apps: [shop], environments: [dev, staging] }))).toEqual([
      expect.stringMatching(/^apps\.shop\.host in staging: is also the host of app "shop" in environment "dev" .*\[environments\/staging\.ts\]$/),
    ]);
  });

  test('two environments on one domain: the fix names a subdomain of the organisation\'s domain for the one not in production', () => {
    const shop = service('shop', { exposure: Exposure.public({ subdomain: 'shop' }) });
    const staging = environment('staging', ['shop'], { domain: 'shop.test' });
    const prod = environment('prod', ['shop'], { tier: Tier.PRODUCTION, domain: 'shop.test' });
    expect(messagesOf(platform({ organization: { name: 'shop', domain: 'shop.test' }, apps: [shop], environments: [staging, prod] }))).toEqual([
      'domain in prod: is also the domain of environment "staging" (environments/staging.ts) (received "shop.test"); '
        + 'give each environment its own domain, e.g. "staging.shop.test" for environment "staging" (its domain in environments/staging.ts) [environments/prod.ts]',
    ]);
  });
});

describe('one root problem, one error', () => {

  test('a misspelt egress endpoint is one problem in the app\'s file, with a suggestion, not one per environment', () => {
    const db = { 'orders-db': { description: 'Cloud SQL', cidr: '10.20.1.0/24', ports: [5432] } };
    const spec = pipeline([service('web', { egress: ['orders-dbb'] })], { dev: { endpoints: db }, staging: { endpoints: db }, prod: { endpoints: db } });
    expect(messagesOf(spec)).toEqual([
      'apps.web.egress[0]: names endpoint "orders-dbb", which no environment declares (received "orders-dbb"); '
        + 'fix the name (did you mean "orders-db"?), or declare endpoints["orders-dbb"] = { description, cidr, ports } in each environment that runs "web" [src/apps/web.ts]',
    ]);
  });

  test('a misspelt call is one problem in the app\'s file, with a suggestion, not one per environment', () => {
    const spec = pipeline([service('orders-api'), service('web', { calls: ['orders-apii'] })]);
    expect(messagesOf(spec)).toEqual([
      'apps.web.calls[0]: names an app that is not declared (received "orders-apii"); call a declared app (did you mean "orders-api"?) [src/apps/web.ts]',
    ]);
  });

  test('an app named in egress says to call it', () => {
    const spec = pipeline([service('orders-api'), service('web', { egress: ['orders-api'] })]);
    expect(messagesOf(spec)).toEqual([
      'apps.web.egress[0]: names "orders-api", which is an app, not an endpoint (egress is for addresses outside the cluster) (received "orders-api"); call it instead: calls: ["orders-api"] [src/apps/web.ts]',
    ]);
  });

  test('a renamed app is one problem in its file, naming every file that still uses the old name', () => {
    // GIVEN releases and a prod override written for "worker", and the app renamed to "fulfiller"
    const before = pipeline([service('web'), service('worker')], { prod: { apps: { worker: { replicas: 3 } } } });
    const renamed = { ...before, apps: [service('web'), service('fulfiller')] };
    // THEN one problem, in the app's file
    expect(messagesOf(renamed)).toEqual([
      'apps.fulfiller: no app "worker" is declared; did you rename it to "fulfiller"? ("fulfiller" has no version where "worker" has one) (received "worker"); '
        + 'rename its entries from "worker" to "fulfiller" in environments/releases/dev.json, environments/releases/staging.json, environments/releases/prod.json, environments/prod.ts [src/apps/fulfiller.ts]',
    ]);
  });

  test('an app listed twice is one problem, in the file of the list', () => {
    const web = service('web');
    const apps = [web, service('api'), web];
    const spec = platform({ apps, environments: [environment('dev', ['web', 'api'])] });
    const files = (d: object) => (d === apps ? 'src/apps/index.ts' : declaredIn(d));
    expect(() => resolvePlatform(spec, { declaredIn: files })).toThrow(
      'The platform declaration has 1 problem:\n  - apps[2]: lists app "web" a second time (received "web"); remove the second "web" from the list [src/apps/index.ts]',
    );
  });

  test('an app renamed to a name already taken is one problem, in its file, with the name the release files still use', () => {
    const renamed = service('web');
    const spec = { ...pipeline([service('web'), service('worker')]), apps: [service('web'), renamed] };
    const files = (d: object) => (d === renamed ? 'src/apps/worker.ts' : declaredIn(d));
    expect(() => resolvePlatform(spec, { declaredIn: files })).toThrow(
      'The platform declaration has 1 problem:\n  - apps.web: is declared twice (first in src/apps/web.ts); did you mean "worker", which environments/releases/dev.json, '
        + 'environments/releases/staging.json, environments/releases/prod.json, environments/prod.ts still name? (received "web"); name it "worker" again [src/apps/worker.ts]',
    );
  });

  test('a removed app still named in several files is one problem listing them', () => {
    const gone = { ...pipeline([service('web'), service('worker')]), apps: [service('web')] };
    expect(messagesOf(gone)).toEqual([
      'apps.worker: is named in environments/releases/dev.json, environments/releases/staging.json, environments/releases/prod.json, environments/prod.ts, but no app "worker" is declared (received "worker"); '
        + 'fix the name in each (known: "web"), or remove the entries if the app is gone [environments/releases/dev.json]',
    ]);
  });
  test('an unknown team does not drag its migration along', () => {
    const api = service('api', { team: 'alhpa' });
    const migrate = { ...service('api-migrate'), workload: Workload.migration({ migrates: 'api' }), ports: [], probes: {} };
    expect(messagesOf(platform({ apps: [api, migrate], environments: [environment('dev', ['api', 'api-migrate'])] }))).toEqual([
      'apps.api.team: names a team that is not declared (received "alhpa"); use a declared team (did you mean "alpha"?) [src/apps/api.ts]',
    ]);
  });

  test('a renamed team that several apps still name is one problem, in the team\'s file, with every file to edit', () => {
    const apps = [service('web'), service('api')];
    const spec = platform({ teams: [team('payments')], apps, environments: [environment('dev', apps, { teams: { alpha: { quota: { pods: 20 } } } })] });
    expect(messagesOf(spec)).toEqual([
      'teams.payments: no team "alpha" is declared, but apps "web", "api" name it, and no app names "payments"; did you rename "alpha" to "payments"? (received "alpha"); '
        + 'set team: "payments" in src/apps/web.ts, src/apps/api.ts, and rename teams["alpha"] in environments/dev.ts, or name the team "alpha" again [src/teams.ts]',
    ]);
  });

  test('a team renamed to a taken name is one problem, at the duplicate, with the name its apps still use', () => {
    const apps = [service('web'), service('api', { team: 'beta' })];
    const teams = [team('alpha'), team('alpha', { namespaces: ['beta'] })];
    expect(messagesOf(platform({ teams, apps, environments: [environment('dev', apps)] }))).toEqual([
      'teams.alpha: is declared twice; did you mean "beta", which apps "api" still name? (received "alpha"); name it "beta" again [src/teams.ts]',
    ]);
  });

  test('a misspelt team that several apps name is one problem, listing them', () => {
    const apps = [service('web', { team: 'alpah' }), service('api', { team: 'alpah' }), service('admin')];
    expect(messagesOf(platform({ apps, environments: [environment('dev', apps)] }))).toEqual([
      'apps.web.team: names a team that is not declared, as do apps "api" (src/apps/api.ts) (received "alpah"); use a declared team in each (did you mean "alpha"?), or declare team "alpah" [src/apps/web.ts]',
    ]);
  });

  test('a number written as a string says it is a string', () => {
    const dev = environment('dev', ['web'], { apps: { web: { replicas: '2' as never } } });
    expect(messagesOf(platform({ environments: [dev] }))).toEqual([
      'apps.web.replicas in dev: must be a whole number of at least 1, but is a string (received "2"); write it as a number, without quotes: replicas: 2 [environments/dev.ts]',
    ]);
  });
});

describe('production replicas, checked on the declaration', () => {
  const prod = (apps: PlatformSpec['environments'][number]['apps']) => environment('prod', ['web'], { tier: Tier.PRODUCTION, apps });

  test('GIVEN one replica in the app\'s file and no override THEN reported in the app\'s file, with both ways to fix it', () => {
    expect(messagesOf(platform({ apps: [service('web', { replicas: 1 })], environments: [prod({ web: {} })] }))).toEqual([
      'apps.web.replicas in prod: must be at least 2 in production (one replica means downtime at every rollout, node upgrade and zone failure) (received 1); '
        + 'set replicas: 2 or more in src/apps/web.ts, or for prod only in environments/prod.ts: apps: { \'web\': { replicas: 2 } } [src/apps/web.ts]',
    ]);
  });

  test('GIVEN nothing declared THEN the default 1 is reported in the environment\'s file', () => {
    expect(messagesOf(platform({ apps: [service('web')], environments: [prod({ web: {} })] }))).toEqual([
      expect.stringMatching(/^apps\.web\.replicas in prod: is not set, so the default 1 applies; .*\[environments\/prod\.ts\]$/),
    ]);
  });

  test('GIVEN an autoscaler whose minimum is 1 THEN its minReplicas is reported, where the autoscaler is declared', () => {
    const app = service('web', { autoscaling: { minReplicas: 1, maxReplicas: 4 } });
    expect(messagesOf(platform({ apps: [app], environments: [prod({ web: {} })] }))).toEqual([
      expect.stringMatching(/^apps\.web\.autoscaling\.minReplicas in prod: must be at least 2 in production .*\[src\/apps\/web\.ts\]$/),
    ]);
  });

  test('GIVEN the override raises it THEN nothing; GIVEN an exemption THEN the guardrail decides, not the model', () => {
    expect(() => resolvePlatform(platform({ apps: [service('web', { replicas: 1 })], environments: [prod({ web: { replicas: 3 } })] }), { declaredIn })).not.toThrow();
    const exempt = service('web', { replicas: 1, exemptions: [{ rule: 'production-replicas', reason: 'a singleton leader, restarted in seconds' }] });
    expect(() => resolvePlatform(platform({ apps: [exempt], environments: [prod({ web: {} })] }), { declaredIn })).not.toThrow();
  });

  test('GIVEN one replica outside production THEN nothing', () => {
    expect(() => resolvePlatform(platform({ apps: [service('web', { replicas: 1 })] }), { declaredIn })).not.toThrow();
  });
});
