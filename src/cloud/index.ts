export * from './app-identity';
export * from './cluster';
export * from './environment-stack';
export * from './labels';
export * from './network';
export * from './public-endpoint';
export * from './render';
export * from './services';
