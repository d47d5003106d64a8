export * from './diff';
export * from './environments';
export * from './fields';
export * from './objects';
export * from './report';
export * from './review';
export * from './risk';
export * from './text-diff';
