export * from './json';
export * from './synthesize';
export * from './write';
export * from './yaml';
