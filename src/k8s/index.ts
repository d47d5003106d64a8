export * from './app-chart';
export * from './crds';
export * from './gitops-chart';
export * from './labels';
export * from './pod';
export * from './preview';
export * from './render';
export * from './team-chart';
