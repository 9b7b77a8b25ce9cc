export * from './people-register';
