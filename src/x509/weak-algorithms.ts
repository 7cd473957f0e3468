/**
 * The signature and key algorithms keytool marks in its listings, and how: "(weak)" for what the
 * JDK calls legacy, "(disabled)" for what it no longer accepts in a certificate path. JDK 17's
 * defaults (conf/security/java.security), which keytool -list -v applies:
 *
 *   jdk.security.legacyAlgorithms   = SHA1, RSA keySize < 2048, DSA keySize < 2048
 *   jdk.certpath.disabledAlgorithms = MD2, MD5, RSA keySize < 1024, DSA keySize < 1024, EC keySize < 224, ...
 *
 * (keytool prints "MD5withRSA (disabled)", "SHA1withRSA (weak)", "1024-bit RSA key (weak)",
 * "512-bit RSA key (disabled)"; an RSASSA-PSS key is not an "RSA" key to these rules.)
 */

/** What keytool says of an algorithm it marks. */
export type AlgorithmVerdict = 'weak' | 'disabled';

/** keytool's mark for a signature algorithm named as Java names it ("SHA1withRSA"), if any. */
export function signatureAlgorithmVerdict(name: string): AlgorithmVerdict | undefined {
  if (/^MD[25]with/i.test(name)) return 'disabled';
  if (/^SHA1with/i.test(name)) return 'weak';
  return undefined;
}

/** The key sizes below which keytool marks a key: [disabled below, weak below]. */
const KEY_SIZE_RULES: Readonly<Record<string, readonly [number, number]>> = {
  RSA: [1024, 2048],
  DSA: [1024, 2048],
  EC: [224, 0],
};

/** keytool's mark for a public key of `algorithm` ("RSA", "DSA", "EC") and `bits`, if any. */
export function keyVerdict(algorithm: string, bits: number | undefined): AlgorithmVerdict | undefined {
  const rule = KEY_SIZE_RULES[algorithm];
  if (rule === undefined || bits === undefined) return undefined;
  if (bits < rule[0]) return 'disabled';
  if (bits < rule[1]) return 'weak';
  return undefined;
}
