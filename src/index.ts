export * from './model';
export * from './k8s';
export * from './cloud';
export * from './synth';
export * from './review';
