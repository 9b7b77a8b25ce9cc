// What both ends of a request/reply hop speak: process hosting, the NATS transport, problem details.
export * from './start-service';
export * from './problem.filter';
export * from './rpc-problem';
export * from './rpc-client';
export * from './namespaced-nats';
export * from './json-shape';
export * from './bus-connection';
