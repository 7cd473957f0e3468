/**
 * certkit's public library API: named re-exports only. Every command of the CLI is a thin
 * adapter over a function exported here.
 */
export { CertkitError, EXIT, exitStatusOf, formatError, isCertkitError } from './errors.js';
export type { ErrorCode, CertkitErrorOptions } from './errors.js';
export type {
  KeyStore,
  KeyStoreEntry,
  KeyStoreType,
  PrivateKeyEntry,
  TrustedCertEntry,
  SecretKeyEntry,
  ReadKeyStoreOptions,
  WriteKeyStoreOptions,
} from './keystore/model.js';
