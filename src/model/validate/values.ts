/** Type guards and formats shared by the validators. */

import { DNS_NAME } from '../names';

export function isString(value: unknown): value is string {
  return typeof value === 'string';
}

export function isPositiveInt(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1;
}

export function isNonNegativeInt(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The list, or no items when it is not one (its shape is reported by the validator that owns it). */
export function listOr<T>(value: readonly T[] | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}

/** The record, or no entries when it is not one. */
export function recordOr<T>(value: Readonly<Record<string, T>> | undefined): Readonly<Record<string, T>> {
  return isPlainRecord(value) ? value : {};
}

/** Image tag as registries accept it. */
export const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** `registry[:port]/path/name`, lowercase, with no tag or digest. */
export const IMAGE_REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/;
export const DIGEST = /^sha256:[a-f0-9]{64}$/;
export const GITHUB_OWNER = /^@[A-Za-z0-9-]+(\/[A-Za-z0-9._-]+)?$/;
/** An Argo CD / Argo Rollouts duration: a whole number of seconds, minutes or hours. */
export const DURATION = /^\d+(s|m|h)$/;
export const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
/** A Prometheus duration as PodMonitoring accepts it, e.g. `30s`, `1m`, `1h30m`. */
export const PROMETHEUS_DURATION = /^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$/;
/** A Deployment name is at most 63 characters when it is also a Service name; a CronJob's at most 52. */
export const MAX_APP_NAME = 52;

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export function isCidr(value: unknown): value is string {
  if (!isString(value)) return false;
  const m = CIDR.exec(value);
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** The first and last address of a CIDR block, as numbers. */
function rangeOf(cidr: string): [number, number] {
  const [ip, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipToInt(ip) / size) * size;
  return [start, start + size - 1];
}

export function cidrsOverlap(a: string, b: string): boolean {
  const [a0, a1] = rangeOf(a);
  const [b0, b1] = rangeOf(b);
  return a0 <= b1 && b0 <= a1;
}

/** Whether every address of `inner` lies in `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const [o0, o1] = rangeOf(outer);
  const [i0, i1] = rangeOf(inner);
  return o0 <= i0 && i1 <= o1;
}

/** Whether the block's address is its first (a range reserved by address and prefix length must be). */
export function isNetworkAddress(cidr: string): boolean {
  return rangeOf(cidr)[0] === ipToInt(cidr.split('/')[0]);
}

/** The organisation's domain, for the examples in fixes: a user's own names read better than a made-up one. */
export function exampleDomain(spec: { readonly organization?: { readonly domain?: unknown } } | undefined): string {
  const domain = spec?.organization?.domain;
  return isString(domain) && DNS_NAME.test(domain) ? domain : 'acme.dev';
}
