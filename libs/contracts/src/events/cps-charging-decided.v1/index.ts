export * from './cps-charging-decided.v1';
