export * from './intervention-status-changed.v1';
