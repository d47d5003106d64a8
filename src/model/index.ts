export * from './app';
export * from './environment';
export * from './errors';
export * from './platform';
export * from './release';
export * from './resolved';
export * from './team';
export { suggest } from './names';
export { parseCpu, parseMemory } from './quantity';
