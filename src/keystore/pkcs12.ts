/**
 * PKCS#12 keystores (RFC 7292): read what JDK keytool and OpenSSL write (modern PBES2/AES,
 * legacy 3DES and RC2-40, unencrypted and MAC-less variants) and write the modern profile of
 * JDK 17 / OpenSSL 3 or a legacy profile for Java 8. Reading and writing live in their own files.
 */
export { readPkcs12, type ReadPkcs12Options } from './pkcs12-read.js';
export { writePkcs12, type WritePkcs12Options, type Pkcs12Profile } from './pkcs12-write.js';
