/**
 * A CA made and run by the real openssl, for pipeline tests that must not depend on certkit's own
 * certificate builder: `openssl req -x509` makes the root, `openssl x509 -req` signs CSRs with
 * clientAuth usage. Helper module (no tests here).
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Issuer } from '../../src/issuers/issuer.js';
import { run } from '../support/tools.js';

export interface OpensslCa {
  readonly dir: string;
  readonly keyPath: string;
  readonly certPath: string;
  readonly certDer: Buffer;
  readonly key: KeyObject;
}

const pemToDer = (pem: string, label: string): Buffer => {
  const m = new RegExp(`-----BEGIN ${label}-----([^-]+)-----END ${label}-----`).exec(pem);
  if (m === null) throw new Error(`no ${label} block`);
  return Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
};

/** Makes a self-signed RSA 2048 root in `dir` with openssl. */
export function makeOpensslCa(openssl: string, dir: string, cn = 'openssl test root'): OpensslCa {
  const keyPath = join(dir, 'ossl-ca-key.pem');
  const certPath = join(dir, 'ossl-ca.pem');
  run(openssl, [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath,
    '-days', '3650', '-subj', `/O=certkit tests/CN=${cn}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return {
    dir,
    keyPath,
    certPath,
    certDer: pemToDer(readFileSync(certPath, 'utf8'), 'CERTIFICATE'),
    key: createPrivateKey(readFileSync(keyPath)),
  };
}

/** Signs a DER CSR with the openssl CA (clientAuth, 300 days); returns the leaf DER. */
export function opensslSign(openssl: string, ca: OpensslCa, csrDer: Buffer, name: string): Buffer {
  const csrPath = join(ca.dir, `${name}.csr.der`);
  const extPath = join(ca.dir, `${name}.ext`);
  const outPath = join(ca.dir, `${name}.crt`);
  writeFileSync(csrPath, csrDer);
  writeFileSync(extPath, 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
  run(openssl, [
    'x509', '-req', '-inform', 'DER', '-in', csrPath, '-CA', ca.certPath, '-CAkey', ca.keyPath,
    '-set_serial', '0x1234abcd', '-days', '300', '-extfile', extPath, '-out', outPath,
  ]);
  return pemToDer(readFileSync(outPath, 'utf8'), 'CERTIFICATE');
}

/** An Issuer that signs with openssl, counting its calls. */
export function opensslIssuer(openssl: string, ca: OpensslCa): Issuer & { calls: number } {
  const issuer = {
    name: 'openssl-test-ca',
    calls: 0,
    async issue(req: { csrDer: Buffer }) {
      issuer.calls++;
      return { leaf: opensslSign(openssl, ca, req.csrDer, `leaf${issuer.calls}`), chain: [ca.certDer], certificateArn: `arn:test:cert/${issuer.calls}` };
    },
  };
  return issuer;
}
