export * from './classification';
export * from './video';
export * from './report';
