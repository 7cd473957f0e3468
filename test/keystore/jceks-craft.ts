/**
 * Crafted JCEKS secret-key entries (no tests here): the Java serialization streams of a
 * javax.crypto.SealedObject and of the key sealed inside it, in the shapes
 * `ObjectOutputStream.writeObject` gives them (JDK 17: class names, serialVersionUIDs and field
 * order as it writes them; values written afresh instead of as back references, which the
 * grammar allows), and the JCEKS frame around them with its digest. Each field can be set to what
 * keytool writes or to something else, to make the forms keytool itself cannot read.
 */
import { createCipheriv } from 'node:crypto';
import { JavaDataWriter } from '../../src/keystore/java-data.js';
import { JCEKS_MAGIC, keystoreDigest } from '../../src/keystore/java-keystore-format.js';
import { deriveJceKeyAndIv } from '../../src/keystore/jceks-key-protector.js';

const TC_NULL = 0x70;
const TC_OBJECT = 0x73;
const TC_CLASSDESC = 0x72;
const TC_STRING = 0x74;
const TC_ARRAY = 0x75;
const TC_ENDBLOCKDATA = 0x78;
const SC_SERIALIZABLE = 0x02;

const STREAM_HEADER = Buffer.from('aced0005', 'hex');
const STRING_TYPE = 'Ljava/lang/String;';

function str(s: string): Buffer {
  return new JavaDataWriter().bytes(Buffer.from([TC_STRING])).utf(s, 'string').toBuffer();
}

function classDesc(
  name: string,
  uid: string,
  fields: readonly [type: 'L' | '[', name: string, className: string][],
  superDesc: Buffer = Buffer.from([TC_NULL]),
): Buffer {
  const w = new JavaDataWriter().bytes(Buffer.from([TC_CLASSDESC])).utf(name, 'class').bytes(Buffer.from(uid, 'hex'));
  w.bytes(Buffer.from([SC_SERIALIZABLE])).u16(fields.length);
  for (const [type, field, className] of fields) w.bytes(Buffer.from(type)).utf(field, 'field').bytes(str(className));
  return w.bytes(Buffer.from([TC_ENDBLOCKDATA])).bytes(superDesc).toBuffer();
}

function byteArray(b: Buffer | null): Buffer {
  if (b === null) return Buffer.from([TC_NULL]);
  const desc = classDesc('[B', 'acf317f8060854e0', []);
  return new JavaDataWriter().bytes(Buffer.from([TC_ARRAY])).bytes(desc).i32(b.length).bytes(b).toBuffer();
}

const strOrNull = (s: string | null) => (s === null ? Buffer.from([TC_NULL]) : str(s));

/** A serialized SecretKeySpec { algorithm, key } (or another class of the same shape). */
export function secretKeySpecStream(algorithm: string, key: Buffer, className = 'javax.crypto.spec.SecretKeySpec'): Buffer {
  return Buffer.concat([
    STREAM_HEADER,
    Buffer.from([TC_OBJECT]),
    classDesc(className, '5b470b66e230614d', [['L', 'algorithm', STRING_TYPE], ['[', 'key', '[B']]),
    str(algorithm),
    byteArray(key),
  ]);
}

/** PBEParameter ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER }, DER. */
export function pbeParameters(salt: Buffer, iterations: number): Buffer {
  let n = iterations.toString(16);
  if (n.length % 2 === 1) n = `0${n}`;
  let int = Buffer.from(n, 'hex');
  if (int[0]! & 0x80) int = Buffer.concat([Buffer.from([0]), int]);
  const body = Buffer.concat([Buffer.from([0x04, salt.length]), salt, Buffer.from([0x02, int.length]), int]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** `plain` encrypted as Sun's PBEWithMD5AndTripleDES does it (key and IV from the password and salt). */
export function sealWithPbe(plain: Buffer, password: string, salt: Buffer, iterations: number): Buffer {
  const { key, iv } = deriveJceKeyAndIv(password, { salt, iterations });
  const c = createCipheriv('des-ede3-cbc', key, iv);
  return Buffer.concat([c.update(plain), c.final()]);
}

export interface SealedFields {
  /**
   * The stream's class: the JDK's own subclass (what keytool writes and the only one its
   * JCEKS loader accepts) or the public javax.crypto.SealedObject.
   */
  readonly className?: 'com.sun.crypto.provider.SealedObjectForKeyProtector' | 'javax.crypto.SealedObject';
  readonly encodedParams: Buffer | null;
  readonly encryptedContent: Buffer | null;
  readonly paramsAlg: string | null;
  readonly sealAlg: string | null;
}

/** A serialized sealed object (SealedObject's fields in the order Java writes them: by name). */
export function sealedObjectStream(f: SealedFields): Buffer {
  const sealedObject = classDesc('javax.crypto.SealedObject', '3e363da6c3b75470', [
    ['[', 'encodedParams', '[B'],
    ['[', 'encryptedContent', '[B'],
    ['L', 'paramsAlg', STRING_TYPE],
    ['L', 'sealAlg', STRING_TYPE],
  ]);
  const desc =
    f.className === 'javax.crypto.SealedObject'
      ? sealedObject
      : classDesc('com.sun.crypto.provider.SealedObjectForKeyProtector', 'cd57ca59e730bb53', [], sealedObject);
  return Buffer.concat([
    STREAM_HEADER,
    Buffer.from([TC_OBJECT]),
    desc,
    byteArray(f.encodedParams),
    byteArray(f.encryptedContent),
    strOrNull(f.paramsAlg),
    strOrNull(f.sealAlg),
  ]);
}

/** The sealed object keytool -genseckey writes for `content` under `password` (salt and count fixed). */
export function keytoolSealed(content: Buffer, password: string, iterations = 20): SealedFields {
  const salt = Buffer.from('0102030405060708', 'hex');
  return {
    encodedParams: pbeParameters(salt, iterations),
    encryptedContent: sealWithPbe(content, password, salt, iterations),
    paramsAlg: 'PBEWithMD5AndTripleDES',
    sealAlg: 'PBEWithMD5AndTripleDES',
  };
}

/** A JCEKS store of secret-key entries `[alias, sealed object stream]`, its digest under `storePassword`. */
export function jceksOfSecrets(entries: readonly (readonly [alias: string, stream: Buffer])[], storePassword: string): Buffer {
  const w = new JavaDataWriter().i32(JCEKS_MAGIC | 0).i32(2).i32(entries.length);
  for (const [alias, stream] of entries) w.i32(3).utf(alias, 'alias').i64(1_767_225_600_000n).bytes(stream);
  const head = w.toBuffer();
  return Buffer.concat([head, keystoreDigest(storePassword, head)]);
}
