export * from './cdk8s-plugin';
export * from './disk';
export * from './engine';
export * from './kubernetes-rules';
export * from './pods';
export * from './report';
export * from './schema';
export * from './types';
