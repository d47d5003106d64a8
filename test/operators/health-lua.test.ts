import { execFileSync } from 'child_process';
import { join } from 'path';
import { parse } from 'yaml';
import { operatorsPlatform } from './support';
import { applicationHealthCheck, DEGRADED_DOES_NOT_BLOCK } from '../../src/k8s';
import { renderPlatform } from '../../src/synth';

/**
 * The Lua health checks rendered into argocd-cm, run as Argo CD runs them:
 * the object as the global `obj`, the script's returned table as the health.
 * Argo CD embeds Lua 5.1 (gopher-lua); the checks use nothing that differs in
 * the Lua 5.4 that wasmoon runs.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Health { status: string; message: string }

const DOMAIN = 'platform.example.com';

/** The healths the scripts return for the objects, each run in a fresh Lua function (test/operators/run-lua.cjs). */
function healths(checks: { script: string; obj: Json }[]): Health[] {
  const out = execFileSync(process.execPath, [join(__dirname, 'run-lua.cjs')], { input: JSON.stringify({ checks }), encoding: 'utf8' });
  return JSON.parse(out);
}
const health = (script: string, obj: Json): Health => healths([{ script, obj }])[0];

const app = (childHealth: Json, annotations?: Record<string, string>): Json => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'orders-api', ...(annotations ? { annotations } : {}) },
  ...(childHealth === undefined ? {} : { status: { health: childHealth } }),
});

describe('the Application health check the root\'s waves rely on', () => {
  const check = applicationHealthCheck(DOMAIN);

  test('GIVEN a child not yet reconciled (no status) THEN Progressing: the root waits for it', () => {
    expect((health(check, app(undefined as unknown as Json))).status).toBe('Progressing');
  });

  test('GIVEN a health without a status THEN Progressing, never a missing status', () => {
    expect((health(check, app({ message: 'starting' }))).status).toBe('Progressing');
  });

  test.each(['Healthy', 'Progressing', 'Degraded', 'Missing'])('GIVEN a child %s THEN the root sees it as it is', (status) => {
    expect((health(check, app({ status, message: 'from the child' })))).toEqual({ status, message: 'from the child' });
  });

  test('GIVEN a Suspended child (a paused Rollout) THEN Healthy to the root, with the real status in the message', () => {
    const hs = health(check, app({ status: 'Suspended' }));
    expect(hs.status).toBe('Healthy');
    expect(hs.message).toMatch(/^Suspended/);
  });

  test('GIVEN a Degraded child marked not to block THEN Healthy to the root; unmarked or marked otherwise THEN Degraded', () => {
    const marked = health(check, app({ status: 'Degraded', message: 'secret missing' }, { [`${DOMAIN}/${DEGRADED_DOES_NOT_BLOCK}`]: 'false' }));
    expect(marked.status).toBe('Healthy');
    expect(marked.message).toBe('Degraded (the root does not wait for it): secret missing');
    const other = health(check, app({ status: 'Degraded' }, { [`${DOMAIN}/${DEGRADED_DOES_NOT_BLOCK}`]: 'true' }));
    expect(other.status).toBe('Degraded');
  });
});

describe('every health check rendered into argocd-cm', () => {
  const rendered = renderPlatform({ platform: operatorsPlatform() });
  const checks = [...rendered.files].filter(([file]) => file.endsWith('configmap-argocd-cm.yaml'))
    .flatMap(([file, text]) => Object.entries(parse(text).data as Record<string, string>)
      .filter(([key]) => key.startsWith('resource.customizations.health.'))
      .map(([key, script]): [string, string] => [`${file} ${key}`, script]));

  test('there are some', () => {
    expect(checks.length).toBeGreaterThan(0);
  });

  test.each(checks)('%s runs on an object with no status and returns a status', (_where, script) => {
    const hs = health(script, { metadata: { name: 'x' } });
    expect(['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown']).toContain(hs.status);
  });
});
