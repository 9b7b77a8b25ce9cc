// `@stac/auth/tokens`: token verification without the data-backed access control, for the gateway.
export * from './token-verifier';
export * from './trusted-issuers';
export * from './dev-issuer';
export * from './tokens.module';
export type { Principal } from '../policy/vocabulary';
