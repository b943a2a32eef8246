export * from './token-contract.js';
export * from './verdict.js';
export * from './methods.js';
export * from './config-error.js';
export * from './token-config.js';
export * from './recorded-request.js';
export * from './token-profile.js';
export * from './jwk-set.js';
