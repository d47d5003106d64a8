import { renderCloud } from '../../src/cloud';
import { PlatformValidationError, ValidationIssue, formatIssue, resolvePlatform } from '../../src/model';
import type { EndpointSpec, PlatformSpec } from '../../src/model';
import { environment, platform, service } from '../fixtures';
import { referenced, resourceWith, resources } from './helpers';

const db: EndpointSpec = { description: 'Cloud SQL', cidr: '10.60.0.0/24', ports: [5432], privateServiceAccess: true };

function withDatabase(overrides: Record<string, unknown> = {}, app: Record<string, unknown> = {}): PlatformSpec {
  return platform({
    apps: [service('orders', { egress: ['orders-db'], ...app })],
    environments: [environment('dev', ['orders'], { privateServiceAccess: { cidr: '10.60.0.0/16' }, endpoints: { 'orders-db': db }, ...overrides })],
  });
}

function issuesOf(spec: PlatformSpec): string[] {
  try {
    resolvePlatform(spec);
  } catch (err) {
    expect(err).toBeInstanceOf(PlatformValidationError);
    return (err as PlatformValidationError).issues.map((i: ValidationIssue) => formatIssue(i));
  }
  throw new Error('expected the declaration to be refused');
}

describe('Cloud SQL over private services access', () => {
  test('GIVEN an environment with private services access THEN its Terraform reserves the block, peers it and enables the APIs', () => {
    const [stack] = renderCloud(resolvePlatform(withDatabase()));
    const range = resourceWith(stack.json, 'google_compute_global_address', 'purpose', 'VPC_PEERING');
    expect(range.config).toMatchObject({ address: '10.60.0.0', prefix_length: 16, address_type: 'INTERNAL' });
    const [peering] = resources(stack.json, 'google_service_networking_connection');
    expect(peering.config.service).toBe('servicenetworking.googleapis.com');
    expect(referenced(stack.json, peering.config.reserved_peering_ranges[0]).resource.address).toBe(range.address);
    const apis = resources(stack.json, 'google_project_service').map((r) => r.config.service);
    expect(apis).toEqual(expect.arrayContaining(['servicenetworking.googleapis.com', 'sqladmin.googleapis.com']));
  });

  test('GIVEN none THEN no peering is rendered', () => {
    const [stack] = renderCloud(resolvePlatform(platform()));
    expect(resources(stack.json, 'google_service_networking_connection')).toEqual([]);
    expect(resources(stack.json, 'google_project_service').map((r) => r.config.service)).not.toContain('servicenetworking.googleapis.com');
  });

  test('GIVEN an endpoint marked privateServiceAccess outside the block, or with no block THEN it is refused in the environment\'s file', () => {
    expect(issuesOf(withDatabase({ endpoints: { 'orders-db': { ...db, cidr: '10.70.0.0/24' } } }))).toEqual([
      'endpoints.orders-db.cidr in dev: is not inside privateServiceAccess.cidr 10.60.0.0/16 (received "10.70.0.0/24"); use the range the service was given inside the reserved block',
    ]);
    expect(issuesOf(withDatabase({ privateServiceAccess: undefined }))[0]).toContain('endpoints.orders-db.privateServiceAccess in dev: needs the environment\'s private services access');
  });

  test('GIVEN an endpoint inside the block not marked THEN the mark is asked for; a block smaller than /24 is refused', () => {
    expect(issuesOf(withDatabase({ endpoints: { 'orders-db': { ...db, privateServiceAccess: undefined } } }))[0])
      .toContain('endpoints.orders-db.privateServiceAccess in dev: is not set, but the endpoint lies in the private services access range 10.60.0.0/16');
    expect(issuesOf(withDatabase({ privateServiceAccess: { cidr: '10.60.0.0/25' }, endpoints: {} })))
      .toContainEqual(expect.stringContaining('privateServiceAccess.cidr in dev: is smaller than a /24'));
  });

  test('GIVEN roles/cloudsql.client and no endpoint on the connectors\' port 3307 THEN one problem names the app\'s file and the environments', () => {
    const role = { identity: { accountId: 'orders-app', roles: ['roles/cloudsql.client'] }, sourceFile: 'src/apps/orders.ts' };
    expect(issuesOf(withDatabase({}, role))).toEqual([
      'apps.orders.identity.roles[0]: grants roles/cloudsql.client, which only the Cloud SQL connectors use (port 3307), but no endpoint the app reaches opens 3307 in dev '
      + '(received "roles/cloudsql.client"); remove the role (a connection to the instance\'s private IP with a password needs none), '
      + 'or add 3307 to the endpoint\'s ports for a connector [src/apps/orders.ts]',
    ]);
    expect(() => resolvePlatform(withDatabase({ endpoints: { 'orders-db': { ...db, ports: [3307] } } }, role))).not.toThrow();
  });
});
