export * from './victim-consent-changed.v1';
