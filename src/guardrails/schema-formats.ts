import type { Format } from 'ajv';

/**
 * The formats the Kubernetes OpenAPI and the CRDs name, as ajv formats.
 * Checks are simple on purpose. Shared by the validator compiled at run time
 * and the precompiled checks (./schema-validators), whose generated code
 * refers to them by name.
 */
export const SCHEMA_FORMATS: Readonly<Record<string, Format>> = {
  'int32': { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 },
  'int64': { type: 'number', validate: (n: number) => Number.isInteger(n) },
  'float': { type: 'number', validate: () => true },
  'double': { type: 'number', validate: () => true },
  'byte': /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  'date-time': /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/,
  'date': /^\d{4}-\d{2}-\d{2}$/,
  // Named in some schemas, not checked.
  ...Object.fromEntries(['int-or-string', 'quantity', 'duration', 'uri', 'hostname', 'email', 'ipv4', 'ipv6', 'cidr', 'mac', 'uuid', 'password']
    .map((name) => [name, true])),
};
