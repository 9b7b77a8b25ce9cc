export * from './offender-released.v1';
