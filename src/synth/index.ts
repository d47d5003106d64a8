export * from './json';
export * from './provenance';
export * from './synthesize';
export * from './write';
export * from './yaml';
