/**
 * The sentinels of the secret-hygiene suite (no tests here): a password and a private key that
 * must never appear anywhere but in the files meant to carry them, and the byte patterns searched
 * for.
 *
 * SENTINEL_KEY: a fixed RSA 2048 PKCS#8 key made once for this suite with
 *   openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048
 * It protects nothing.
 */
import { createPrivateKey } from 'node:crypto';

/** Non-ASCII, an astral character, and a marker that also catches partial or re-encoded leaks. */
export const SENTINEL_PASSWORD = 'SeNtInEl-pässwörd-🔑-42';
/** A wrong password is a secret too: it carries the same marker. */
export const SENTINEL_WRONG = 'SeNtInEl-wrong-pässwörd';
export const MARKER = 'SeNtInEl';

export const SENTINEL_KEY_PEM = `\
-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC10cs1vhc4zvWR
PegmWzXcRyfbOvdhwygR2+U3SA+qsFNkqGqM4a5DBPTF4bgzwa9VzgsjbnY/SlwM
wUDVpCRPr9rg1ADNPsDWlLiZLJSp2ZWVhR+oY7HxJoD91qFpCQWYuYMhhNNKOeRc
f/qUXjSXWATeocQ2TEDRWDSsgrWiC7v6J7jJtcthV1iHoY42J4BTHLxuzim0K6gM
vf02h1usneKMNKwbDc9DdhDuDJO6Q4xiHFdIS518/1q91wTVoeBR3RSvZeWdSBVD
kaqnIShwXiFrNweyfCFnbqUGohIctY0gccP6dqzSwUqA130vzrX7ott6K97q5W7V
B+V/Rd5bAgMBAAECggEAON3EemsZVT25pXMg1DpL1rj0mMdRDyUcN7W4c7lYmRCs
DHv2U1jUiYaXzfpChAGMhsA6UJsgZbwqnRymXAuKBdhhE1eLZqY9Zv+92r6MQrFY
bRrlY2PHCD78Mig6dKELPJCtGEM0WG9R4rJuW5A5T6qKX11mAnuH/FHjq574ExWk
gTSbVdH0rhC9N+QbayQtpyuTp3DgYOwJEE/PkX5R60eej/OY8+bay6lFTju4JKTM
bLJfPrhUFS+PXfdUGr3/Qct5hqyBT4vyDNvs+q/ZOhV7bFfxeg11p1ahdsAqdbL1
qhXmBc7Aanp1R2fKTiR8u63/mWhm2JAPwgQkaYnOOQKBgQDX+oz95S2m+OLqAMqI
WqvL7IZDkkapHcyg/eaJr+Bp+YLJ53woPX1l6igodf3KtrnaJDTcmfv78ayU8xbA
wh79T/7yFJiA+2CbejCcJ1a6OpUfJG3SbdaPh/3ioXQk+Q90myq58erssvaQ1OgX
gm5rI8Gpy4Bw2C8Ixk74Ad3z6QKBgQDXgtJ4K1yEWcyyT5h3WdyMrJAHogqZSZzk
xTsnsxDJOgpBoe1qMy5MlFjHy/3x5KI+QORGxJKGvfDX2FF44u7JznI9+r0bcb+X
AGnlFUpHUbVuiUMX+xERsoZ5ek9J98ZZ5tSysv2WgcJ/crVLUCiMPD2y9EqY197E
M3rOggFpowKBgEO+JrMMS0FwF1xmWyBhsDkKOyK+osMwwZpNiR3uuGkFBezmWp8U
ilyJEYd/WtdWcPznFl2LPupLZ2JgzOYw/R9fFAxCQYNTVX3u2YhhHmbTMSrPdlLm
eMIUWaHYGmHubNaaRNCF/LW5fHT5EsMs+g1I7dmgJu0+IaKS8PoBO+jhAoGAdGLJ
SW6ZczyP6IhF3cbg7fPPgN/I+4meuomtbb4txY6btWA+uEjVqzO+UoBfL4B7AkXH
QlSskSoI5HiFX1SnAsOEPOaptCWVA3aMudPqnmOJKR3l5xCG4ljYeMhOA7NVIn4f
xjYV7286W9vV/stWao2qAHgfxTVnr+vhWZ8qJiMCgYEAr42pghn6BlzkaODdQL9l
yGxb/cI1PkuS6RpHRfAMcQDolaP4F2fttN5l6rLS+OKZLzifaQY2yy+VmQ7/3t9y
WshSLwUWrHRDN/zCiYJdXO3XI68+no8IkyHt5HEq6s95+GTHnDW9QhRRWCF18vPp
ovmYRzus8K36T3Luah4UkHg=
-----END PRIVATE KEY-----
`;

export const SENTINEL_KEY = createPrivateKey(SENTINEL_KEY_PEM);

/** A needle: bytes to search for, with a name for failure messages and what it reveals. */
export interface Needle {
  readonly name: string;
  readonly bytes: Buffer;
  readonly kind: 'password' | 'key';
}

function hexSlices(name: string, buf: Buffer, kind: 'key'): Needle[] {
  const hex = buf.toString('hex');
  const mid = hex.slice(hex.length / 2 - 20, hex.length / 2 + 20);
  return [
    { name: `${name} hex`, bytes: Buffer.from(mid), kind },
    { name: `${name} HEX`, bytes: Buffer.from(mid.toUpperCase()), kind },
    { name: `${name} hex with colons`, bytes: Buffer.from(mid.slice(0, 24).toUpperCase().replace(/(..)(?!$)/g, '$1:')), kind },
  ];
}

function needles(): Needle[] {
  const out: Needle[] = [];
  for (const [name, text] of [
    ['password', SENTINEL_PASSWORD],
    ['wrong password', SENTINEL_WRONG],
    ['marker', MARKER],
  ] as const) {
    out.push({ name: `${name} (UTF-8)`, bytes: Buffer.from(text, 'utf8'), kind: 'password' });
    out.push({ name: `${name} (UTF-16LE)`, bytes: Buffer.from(text, 'utf16le'), kind: 'password' });
    out.push({ name: `${name} (UTF-16BE)`, bytes: Buffer.from(text, 'utf16le').swap16(), kind: 'password' });
  }
  // The PEM body: three 40-character pieces from three of its lines, all past the modulus. The
  // first lines of an RSA PKCS#8 PEM hold n, which is public: a certificate carries the same bytes,
  // and whenever their offset there falls on the same base64 alignment, a piece of line 2 is also
  // a piece of client_cert.pem (a false alarm that depended on the length of moto's serial).
  const lines = SENTINEL_KEY_PEM.split('\n').filter((l) => l !== '' && !l.startsWith('-----'));
  for (const i of [Math.floor(lines.length / 3), Math.floor(lines.length / 2), lines.length - 2]) {
    out.push({ name: `key PEM line ${i + 1}`, bytes: Buffer.from(lines[i]!.slice(10, 50)), kind: 'key' });
  }
  const jwk = SENTINEL_KEY.export({ format: 'jwk' }) as Record<string, string>;
  const raw = (f: string) => Buffer.from(jwk[f]!, 'base64url');
  // The modulus is public (certificates carry it in binary); its hex form only shows up when key
  // objects are dumped. The private parts must not appear in any form.
  out.push(...hexSlices('modulus', raw('n'), 'key'));
  for (const f of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
    const b = raw(f);
    out.push({ name: `private ${f} (raw)`, bytes: b.subarray(b.length / 2 - 16, b.length / 2 + 16), kind: 'key' });
    out.push({ name: `private ${f} (base64url)`, bytes: Buffer.from(jwk[f]!.slice(8, 48)), kind: 'key' });
    out.push(...hexSlices(`private ${f}`, b, 'key'));
  }
  return out;
}

export const NEEDLES: readonly Needle[] = needles();
