export * from './json';
export * from './provenance';
export * from './synthesize';
export * from './write';
export * from './lock';
export * from './transaction';
export * from './inputs';
export * from './yaml';
