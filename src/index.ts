/**
 * certkit's public library API: named re-exports only. Every command of the CLI is a thin
 * adapter over a function exported here.
 */
export { CertkitError, EXIT, exitStatusOf, formatError, isCertkitError } from './errors.js';
export type { ErrorCode, CertkitErrorOptions } from './errors.js';
// Every limit on untrusted input (src/limits.ts); the parsers re-export their own as well.
export { DER_LIMITS, KDF_LIMITS, JAVA_KEYSTORE_LIMITS, PKCS12_LIMITS, SERIALIZATION_LIMITS, MAX_S3_KEY_BYTES, INPUT_LIMITS, KAFKA_LIMITS } from './limits.js';
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
// PEM (src/pem.ts)
export {
  PEM_LABELS,
  PEM_LIMITS,
  decodePem,
  decodePemAll,
  decodePemLenient,
  encodePem,
  encodePemAll,
  normalizePem,
  looksLikePem,
  readPemOrDer,
  readPemOrDerAll,
} from './pem.js';
export type { PemBlock, PemLabel } from './pem.js';
// Keys (src/keys.ts)
export {
  KEY_SPECS,
  KEY_LIMITS,
  SIGNATURE_ALGORITHMS,
  parseKeySpec,
  generateKeyPair,
  importPrivateKey,
  exportPkcs8Der,
  exportPkcs8Pem,
  exportEncryptedPkcs8Der,
  exportEncryptedPkcs8Pem,
  spkiDer,
  publicKeyOf,
  keyAlgorithmName,
  curveName,
  keySize,
  describeKey,
  defaultSignatureAlgorithm,
  parseSignatureAlgorithm,
  checkSignatureAlgorithmForKey,
} from './keys.js';
export type { KeySpec, KeyObject, SignatureAlgorithm, ImportPrivateKeyOptions, EncryptPkcs8Options } from './keys.js';
export { readJks, writeJks, jksAlias } from './keystore/jks.js';
export { readJceks } from './keystore/jceks.js';
export { detectKeyStoreType } from './keystore/detect.js';
export { readKeyStore, writeKeyStore } from './keystore/keystore.js';
export type { ReadAnyKeyStoreOptions, WriteAnyKeyStoreOptions, WritableKeyStoreType } from './keystore/keystore.js';
export { protectJksKey, recoverJksKey, JKS_KEY_PROTECTOR_OID } from './keystore/jks-key-protector.js';
export { recoverJceksKey, JCEKS_KEY_PROTECTOR_OID } from './keystore/jceks-key-protector.js';
export { readPkcs12, writePkcs12 } from './keystore/pkcs12.js';
export type { ReadPkcs12Options, WritePkcs12Options, Pkcs12Profile } from './keystore/pkcs12.js';
export { decryptPbe, encryptPbe, parsePbeAlgorithm, checkIterations, MAX_PBE_ITERATIONS } from './keystore/pbe.js';
export type { PbeEncryptSpec, PbeEncrypted, PbeParams, Pbkdf2Prf, Pbes2Cipher } from './keystore/pbe.js';
export { pkcs12Kdf, bmpPassword } from './keystore/pkcs12-kdf.js';
export type { Pkcs12KdfHash, Pkcs12KdfId } from './keystore/pkcs12-kdf.js';
// Distinguished names, subject alternative names, certificates (src/x509/)
export { parseDname, formatDname, encodeName, decodeName, attributeName, dnAttribute, DN_OID, DN_LIMITS, STRING_TAG } from './x509/dn.js';
export type { Ava, Rdn, DistinguishedName } from './x509/dn.js';
export { parseSubjectAltNames, formatSubjectAltName, encodeGeneralNames, decodeGeneralNames } from './x509/general-name.js';
export type { SubjectAltName } from './x509/general-name.js';
export { parseCertificate, fingerprint, isValidAt, EKU_OIDS, KEY_USAGE_BITS, SIGNATURE_OID_NAMES } from './x509/certificate.js';
export type { CertificateInfo, KeyUsage } from './x509/certificate.js';
export { buildCertificate, nameDer, encodeTime, randomSerial, unsignedInteger } from './x509/cert-builder.js';
export type { BuildCertificateOptions, NameInput } from './x509/cert-builder.js';
export { algorithmIdentifier, signatureAlgorithmOid, resolveSignatureAlgorithm, signData, verifyData } from './x509/signature.js';
export { keyIdentifier, EXT_OID } from './x509/extensions.js';
export { buildCsr, buildCsrPem, EXTENSION_REQUEST_OID } from './x509/csr.js';
export type { BuildCsrOptions } from './x509/csr.js';
export { parseCsr, fixCsrPem } from './x509/csr-parse.js';
export type { CsrInfo } from './x509/csr-parse.js';
// Issuers, AWS settings and the cloud sinks (the AWS SDK itself loads only when a client is made)
export type { Issuer, IssueRequest, IssuedCertificate } from './issuers/issuer.js';
export { parseValidity, MAX_VALIDITY_YEARS } from './issuers/validity.js';
export type { Validity, ValidityType } from './issuers/validity.js';
export {
  createAcmPcaIssuer,
  assembleIssued,
  chooseSigningAlgorithm,
  idempotencyToken,
  parseCaArn,
  parseSigningAlgorithm,
  resolveTemplateArn,
  signingAlgorithmsFor,
  CLIENT_AUTH_TEMPLATE_ARN,
  PCA_SIGNING_ALGORITHMS,
  DEFAULT_MAX_WAIT_SECONDS,
} from './issuers/acm-pca.js';
export type { AcmPcaIssuer, AcmPcaIssuerOptions, PcaSigningAlgorithm } from './issuers/acm-pca.js';
export {
  awsError,
  clientConfig,
  createAcmPcaClient,
  createS3Client,
  createSecretsManagerClient,
  endpointFor,
  resolveRegion,
} from './aws/config.js';
export type { AwsOptions, AwsService, ServiceClientConfig } from './aws/config.js';
export { parseS3Uri, formatS3Uri, bucketNameProblem } from './sinks/s3-uri.js';
export type { S3Location } from './sinks/s3-uri.js';
export { uploadArtifacts, MAX_S3_ARTIFACT_BYTES } from './sinks/s3.js';
export type { UploadArtifactsOptions, S3ServerSideEncryption } from './sinks/s3.js';
export { putRedshiftSecret, checkSecretName } from './sinks/secrets-manager.js';
export type { PutRedshiftSecretOptions } from './sinks/secrets-manager.js';
export {
  writeFileAtomic,
  writeArtifacts,
  checkArtifacts,
  DirectorySink,
  SECRET_MODE,
  PUBLIC_MODE,
  DIRECTORY_MODE,
  nodeFsOps,
  inFlightTempFiles,
  removeInFlightTempFiles,
} from './sinks/directory.js';
export type { Sink, WriteFileOptions, WriteArtifactsOptions, FsOps, FsFile, FsStats } from './sinks/directory.js';
export { resolvePassword, createPasswordSources, StdinLines } from './cli/passwords.js';
export type { PasswordSources, StdinSource } from './cli/passwords.js';
export { orderChain, verifyChain, certificateMatchesKey, MAX_CHAIN_LENGTH } from './x509/chain.js';
export type { VerifyChainOptions } from './x509/chain.js';
// The client pipeline: local CA, artifacts, the run record, Redshift secret, credential checks
export {
  initLocalCa,
  loadLocalCa,
  openLocalCa,
  localCaState,
  localCaExists,
  createLocalCaIssuer,
  DEFAULT_CA_DIR,
  CA_CERT_FILE,
  CA_KEY_FILE,
} from './issuers/local-ca.js';
export type { LocalCa, InitLocalCaOptions, LocalCaIssuerOptions, LocalCaState, OpenLocalCaOptions, OpenedLocalCa } from './issuers/local-ca.js';
export { buildArtifacts, parseFormats, clientProperties, ARTIFACT_FILES, ARTIFACT_FORMATS } from './artifacts.js';
export type { Artifact, ArtifactFormat, Identity, BuildArtifactsOptions } from './artifacts.js';
export { runClientPipeline, generatePassword, DEFAULT_S3_FORMATS, STATE_FILE } from './pipeline.js';
export type {
  ClientPipelineOptions,
  ClientPipelineDeps,
  ClientPipelineResult,
  PipelineStep,
  IssuerHooks,
  ResumableIssuer,
  S3Uploader,
  SecretWriter,
} from './pipeline.js';
export { buildRecord, parseRecord, serializeRecord, describeCertificate, RECORD_FILE } from './record.js';
export type { CertkitRecord, RecordCertificate } from './record.js';
export {
  redshiftSecret,
  redshiftSecretJson,
  redshiftSecretFromPem,
  certificateChainPem,
  createExternalSchemaSql,
} from './redshift.js';
export type { RedshiftSecret } from './redshift.js';
export { verifyCredential, checkIssuedChain, parseDuration, CLIENT_AUTH_OID } from './verify.js';
export type { VerifyInput, VerifyReport } from './verify.js';
// Kafka: `certkit probe` and the principal brokers derive from a certificate (src/kafka/)
export { probeBrokers, parseBrokerAddresses, DEFAULT_PROBE_TIMEOUT_MS } from './kafka/probe.js';
export type { ProbeOptions, ProbeReport, BrokerProbe, ProbeCause, ProbeIdentity, ProbeCertificate, BrokerAddress } from './kafka/probe.js';
export { kafkaPrincipal, rfc2253Name } from './kafka/principal.js';
export type { Rfc2253Decoding } from './kafka/principal.js';
