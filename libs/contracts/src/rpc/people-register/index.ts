export * from './people-register';
export * from './people.operations';
