/**
 * Named malformed-input corpus for the text inputs: PEM, distinguished names (keytool -dname),
 * password sources (pass:/env:/file:/stdin), S3 URIs, ACM PCA ARNs and --validity strings. Each
 * case asserts the exact code (USAGE → exit 2 for command-line values, 3/4 for file contents) and
 * message.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'vitest';
import { createPasswordSources, resolvePassword, type StdinSource } from '../../src/cli/passwords.js';
import { parseCaArn, resolveTemplateArn } from '../../src/issuers/acm-pca.js';
import { parseValidity } from '../../src/issuers/validity.js';
import { decodePemAll, encodePem, readPemOrDer } from '../../src/pem.js';
import { parseS3Uri } from '../../src/sinks/s3-uri.js';
import { parseDname } from '../../src/x509/dn.js';
import { tempDir } from '../support/tmp.js';
import { EXPECTED } from './expected-text.js';
import { EC_CERT } from './samples.js';
import { runCorpus } from './support.js';

const CERT_PEM = encodePem('CERTIFICATE', EC_CERT);
const [BEGIN, ...rest] = CERT_PEM.trimEnd().split('\n');
const END = rest.pop()!;
const BODY = rest;
const pem = (lines: string[]) => `${lines.join('\n')}\n`;

const pemCases: [string, () => string | Buffer][] = [
  ['empty text', () => ''],
  ['whitespace only', () => ' \n\t\n'],
  ['text without a block', () => 'hello\nworld\n'],
  ['BEGIN without END', () => pem([BEGIN!, ...BODY])],
  ['END without BEGIN', () => pem([...BODY, END])],
  ['END label differs', () => pem([BEGIN!, ...BODY, '-----END PRIVATE KEY-----'])],
  ['END label in lower case', () => pem([BEGIN!, ...BODY, END.toLowerCase()])],
  ['BEGIN label in lower case', () => pem([BEGIN!.toLowerCase(), ...BODY, END])],
  ['unknown label', () => pem(['-----BEGIN X-----', ...BODY, '-----END X-----'])],
  ['keytool NEW CERTIFICATE REQUEST label (strict)', () => pem(['-----BEGIN NEW CERTIFICATE REQUEST-----', ...BODY, '-----END NEW CERTIFICATE REQUEST-----'])],
  ['BEGIN with four dashes', () => pem(['----BEGIN CERTIFICATE-----', ...BODY, END])],
  ['a second BEGIN before END', () => pem([BEGIN!, BODY[0]!, BEGIN!, ...BODY, END])],
  ['a character outside base64', () => pem([BEGIN!, `${BODY[0]!.slice(0, 10)}*${BODY[0]!.slice(11)}`, ...BODY.slice(1), END])],
  ['padding in the middle', () => pem([BEGIN!, `${BODY[0]!.slice(0, 10)}=${BODY[0]!.slice(11)}`, ...BODY.slice(1), END])],
  ['three padding characters', () => pem([BEGIN!, ...BODY.slice(0, -1), `${BODY.at(-1)!.replace(/=*$/, '')}===`, END])],
  ['base64 length not a multiple of 4', () => pem([BEGIN!, ...BODY.slice(0, -1), BODY.at(-1)!.replace(/=*$/, '').slice(0, -1), END])],
  ['a body line truncated', () => pem([BEGIN!, BODY[0]!.slice(0, 30), ...BODY.slice(1), END])],
  ['empty body', () => pem([BEGIN!, END])],
  ['a NUL byte in the body', () => pem([BEGIN!, `${BODY[0]!.slice(0, 10)}\u0000${BODY[0]!.slice(10)}`, ...BODY.slice(1), END])],
  ['non-ASCII letter in the body', () => pem([BEGIN!, `${BODY[0]!.slice(0, 10)}é${BODY[0]!.slice(11)}`, ...BODY.slice(1), END])],
  ['a header line with no body after it', () => pem([BEGIN!, 'Proc-Type: 4,ENCRYPTED', '', END])],
  ['1001 blocks', () => CERT_PEM.repeat(1001)],
  ['more characters than the limit', () => `${BEGIN!}\n${'A'.repeat(24 * 1024 * 1024)}`],
  ['more bytes than the limit', () => Buffer.concat([Buffer.from(`${BEGIN!}\n`), Buffer.alloc(24 * 1024 * 1024, 0x41)])],
  ['UTF-16 text (with BOM)', () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CERT_PEM, 'utf16le')])],
  ['a private key where a certificate is expected', () => encodePem('PRIVATE KEY', EC_CERT)],
  ['DER bytes of a key where a certificate is expected', () => Buffer.from([0x02, 0x01, 0x00])],
  ['binary garbage', () => Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x7f])],
  ['BEGIN line with trailing text', () => pem([`${BEGIN!} extra`, ...BODY, END])],
  ['END line missing its dashes', () => pem([BEGIN!, ...BODY, '-----END CERTIFICATE'])],
  ['label with a leading space', () => pem(['-----BEGIN  CERTIFICATE-----', ...BODY, '-----END  CERTIFICATE-----'])],
];

const LONG = 'a'.repeat(64 * 1024 + 1);
const dnCases: [string, () => string][] = [
  ['empty', () => ''],
  ['spaces only', () => '   '],
  ['a keyword without =', () => 'CN'],
  ['= without a keyword', () => '=glue'],
  ['unknown keyword', () => 'XX=glue'],
  ['trailing comma', () => 'CN=a,'],
  ['two commas', () => 'CN=a,,O=b'],
  ['trailing plus', () => 'CN=a+'],
  ['leading comma', () => ',CN=a'],
  ['unterminated quote', () => 'CN="abc'],
  ['text after a closing quote', () => 'CN="a"b'],
  ['a lone backslash at the end', () => 'CN=a\\'],
  ['hex escapes that are not UTF-8', () => 'CN=\\ff\\fe'],
  ['# without hex', () => 'CN=#'],
  ['# with an odd number of hex digits', () => 'CN=#0c0'],
  ['# with DER whose length runs past the end', () => 'CN=#0c05616263'],
  ['# with DER and a trailing byte', () => 'CN=#0c0161ff'],
  ['# with an indefinite-length DER value', () => 'CN=#2c800c01610000'],
  ['OID. without digits', () => 'OID.=a'],
  ['a dotted OID with a letter', () => '2.5.4.x=a'],
  ['an OID with one arc', () => '2=a'],
  ['an OID whose first arc is 3', () => '3.1=a'],
  ['an OID with a leading-zero arc', () => '2.5.04.3=a'],
  ['65 RDNs', () => Array.from({ length: 65 }, (_, i) => `OU=u${i}`).join(',')],
  ['17 AVAs in one RDN', () => Array.from({ length: 17 }, (_, i) => `OU=u${i}`).join('+')],
  ['more characters than the limit', () => `CN=${LONG}`],
  ['a country of three letters', () => 'C=USA'],
  ['a newline inside a name with an error (message stays one line)', () => 'CN=a\nb,,O=c'],
  ['a 60,000-character name with an error at its end (message stays short)', () => `CN=${'a'.repeat(60_000)},`],
  ['a NUL and an error', () => 'CN=a\u0000b,XX=c'],
  ['a lone surrogate in a value', () => 'CN=a\ud800b'],
  ['a lone surrogate in a quoted value', () => 'CN="\udc00"'],
  // Found by the fuzzer: the country value was echoed with its line feed.
  ['a country holding a line feed', () => 'C=U\nS'],
  ['non-ASCII in an IA5String attribute', () => 'EMAILADDRESS=é@example.com'],
];

// Password sources: files in a temp dir, fake env and stdin.
const dir = tempDir('certkit-hostile-pw-');
const f = (name: string, data: string | Buffer) => {
  writeFileSync(join(dir, name), data);
  return `file:${join(dir, name)}`;
};
mkdirSync(join(dir, 'a-directory'));
interface PwInput {
  specs: string[];
  stdin?: StdinSource;
  env?: Record<string, string>;
}
async function resolveAll(i: PwInput): Promise<string[]> {
  const sources = createPasswordSources({ stdin: i.stdin, env: i.env ?? {}, cwd: dir, warn: () => undefined });
  const out: string[] = [];
  for (const s of i.specs) out.push(await resolvePassword(s, sources, '--storepass'));
  return out;
}
const pwCases: [string, () => PwInput][] = [
  ['env: without a name', () => ({ specs: ['env:'] })],
  ['env: variable not set', () => ({ specs: ['env:CERTKIT_NOPE'] })],
  ['env: variable name in the wrong case', () => ({ specs: ['env:store_pass'], env: { STORE_PASS: 'x' } })],
  ['env: name with a trailing space', () => ({ specs: ['env:STORE_PASS '], env: { STORE_PASS: 'x' } })],
  ['env: name with =', () => ({ specs: ['env:A=B'], env: { A: 'x' } })],
  ['env: non-ASCII name not set', () => ({ specs: ['env:PASSWÖRT'] })],
  ['file: without a path', () => ({ specs: ['file:'] })],
  ['file: that does not exist', () => ({ specs: [`file:${join(dir, 'missing')}`] })],
  ['file: in a directory that does not exist', () => ({ specs: [`file:${join(dir, 'no', 'such', 'file')}`] })],
  ['file: relative path that does not exist', () => ({ specs: ['file:missing.txt'] })],
  ['file: a directory', () => ({ specs: [`file:${join(dir, 'a-directory')}`] })],
  ['file: with a NUL in its path', () => ({ specs: [`file:${dir}/a\u0000b`] })],
  ['file: empty', () => ({ specs: [f('empty', '')] })],
  ['file: a BOM only', () => ({ specs: [f('bom', '\ufeff')] })],
  ['file: one line read twice', () => ({ specs: [f('one', 'only\n'), `file:${join(dir, 'one')}`] })],
  ['file: two lines read three times', () => ({ specs: [f('two', 'a\nb\n'), `file:${join(dir, 'two')}`, `file:${join(dir, 'two')}`] })],
  ['file: larger than 1 MiB', () => ({ specs: [f('big', Buffer.alloc(1024 * 1024 + 1, 0x61))] })],
  ['file: a line longer than 64 KiB', () => ({ specs: [f('long', `${'b'.repeat(64 * 1024 + 1)}\n`)] })],
  ['file: a 64 KiB + 1 line without a newline', () => ({ specs: [f('long2', 'c'.repeat(64 * 1024 + 1))] })],
  ['stdin: no input at all', () => ({ specs: ['stdin'] })],
  ['stdin: empty string', () => ({ specs: ['stdin'], stdin: '' })],
  ['stdin: empty buffer', () => ({ specs: ['stdin'], stdin: Buffer.alloc(0) })],
  ['stdin: one line asked for twice', () => ({ specs: ['stdin', 'stdin'], stdin: 'one\n' })],
  ['stdin: two lines asked for three times', () => ({ specs: ['stdin', 'stdin', 'stdin'], stdin: 'a\nb\n' })],
  ['stdin: a stream that ends at once', () => ({ specs: ['stdin'], stdin: (async function* () {})() })],
  ['stdin: a line longer than 64 KiB', () => ({ specs: ['stdin'], stdin: `${'d'.repeat(64 * 1024 + 1)}\n` })],
  ['stdin: 64 KiB + 1 bytes and no newline', () => ({ specs: ['stdin'], stdin: 'e'.repeat(64 * 1024 + 2) })],
  ['stdin: a stream with a line longer than 64 KiB', () => ({ specs: ['stdin'], stdin: (async function* () { for (let i = 0; i < 70; i++) yield Buffer.alloc(1024, 0x66); })() })],
  ['stdin then env: the env variable is missing', () => ({ specs: ['stdin', 'env:NOPE'], stdin: 'x\n' })],
  ['file then stdin: stdin is empty', () => ({ specs: [f('ok', 'pw\n'), 'stdin'] })],
  ['env then file: the file is missing', () => ({ specs: ['env:A', `file:${join(dir, 'missing2')}`], env: { A: 'x' } })],
];

const s3Cases: [string, () => string][] = [
  ['empty', () => ''],
  ['no scheme', () => 'bucket/prefix/'],
  ['https URL', () => 'https://bucket.s3.amazonaws.com/prefix/'],
  ['S3 in upper case', () => 'S3://bucket/prefix/'],
  ['s3:/ with one slash', () => 's3:/bucket/prefix/'],
  ['no bucket', () => 's3://'],
  ['no bucket, a prefix', () => 's3:///prefix/'],
  ['bucket of 2 characters', () => 's3://ab/'],
  ['bucket of 64 characters', () => `s3://${'a'.repeat(64)}/`],
  ['bucket with upper case', () => 's3://MyBucket/'],
  ['bucket with an underscore', () => 's3://my_bucket/'],
  ['bucket starting with a hyphen', () => 's3://-bucket/'],
  ['bucket ending with a dot', () => 's3://bucket./'],
  ['bucket with two dots in a row', () => 's3://my..bucket/'],
  ['bucket with dot-hyphen', () => 's3://my.-bucket/'],
  ['bucket that is an IP address', () => 's3://192.168.5.4/'],
  ['bucket with the xn-- prefix', () => 's3://xn--bucket/'],
  ['bucket with the -s3alias suffix', () => 's3://bucket-s3alias/'],
  ['bucket with the --ol-s3 suffix', () => 's3://bucket--ol-s3/'],
  ['bucket with a port', () => 's3://bucket:443/'],
  ['bucket with user info', () => 's3://user@bucket/'],
  ['bucket with a space', () => 's3://my bucket/'],
  ['bucket with non-ASCII', () => 's3://bücket/'],
  ['key with //', () => 's3://bucket/a//b/'],
  ['key starting with /', () => 's3://bucket//a/'],
  ['key with a .. segment', () => 's3://bucket/a/../b/'],
  ['key with a . segment', () => 's3://bucket/./b/'],
  ['key with a backslash', () => 's3://bucket/a\\b/'],
  ['key with a newline', () => 's3://bucket/a\nb/'],
  ['key with a NUL', () => 's3://bucket/a\u0000b/'],
  ['key with DEL', () => 's3://bucket/a\u007fb/'],
  ['key longer than 1024 bytes', () => `s3://bucket/${'k'.repeat(1024)}/`],
  ['key of 1024 bytes in 2-byte characters', () => `s3://bucket/${'é'.repeat(512)}`],
];

const ID = '12345678-1234-1234-1234-123456789012';
const arnCases: [string, () => string][] = [
  ['empty', () => ''],
  ['not an ARN', () => 'certificate-authority'],
  ['ARN of another service', () => `arn:aws:acm:us-east-1:123456789012:certificate/${ID}`],
  ['no partition', () => `arn::acm-pca:us-east-1:123456789012:certificate-authority/${ID}`],
  ['unknown partition', () => `arn:azure:acm-pca:us-east-1:123456789012:certificate-authority/${ID}`],
  ['partition in upper case', () => `arn:AWS:acm-pca:us-east-1:123456789012:certificate-authority/${ID}`],
  ['no region', () => `arn:aws:acm-pca::123456789012:certificate-authority/${ID}`],
  ['region in upper case', () => `arn:aws:acm-pca:US-EAST-1:123456789012:certificate-authority/${ID}`],
  ['region with a slash', () => `arn:aws:acm-pca:us/east:123456789012:certificate-authority/${ID}`],
  ['account of 11 digits', () => `arn:aws:acm-pca:us-east-1:12345678901:certificate-authority/${ID}`],
  ['account of 13 digits', () => `arn:aws:acm-pca:us-east-1:1234567890123:certificate-authority/${ID}`],
  ['account with a letter', () => `arn:aws:acm-pca:us-east-1:12345678901a:certificate-authority/${ID}`],
  ['resource type certificate', () => `arn:aws:acm-pca:us-east-1:123456789012:certificate/${ID}`],
  ['a certificate ARN under the CA', () => `arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/${ID}/certificate/abc`],
  ['CA id too short', () => 'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/1234'],
  ['CA id in upper case', () => `arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/${ID.replace(/1234/g, 'ABCD')}`.replace('abcd', 'ABCD')],
  ['CA id with a letter past f', () => `arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/${ID.slice(0, -1)}g`],
  ['trailing slash', () => `arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/${ID}/`],
  ['trailing newline', () => `arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/${ID}\n`],
  ['leading space', () => ` arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/${ID}`],
  ['colons instead of slash', () => `arn:aws:acm-pca:us-east-1:123456789012:certificate-authority:${ID}`],
  ['a 10,000-character string', () => `arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/${'a'.repeat(10_000)}`],
  ['non-ASCII digits in the account', () => `arn:aws:acm-pca:us-east-1:١٢٣٤٥٦٧٨٩٠١٢:certificate-authority/${ID}`],
  ['template ARN given as a CA ARN', () => 'arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1'],
  ['template: empty', () => 'tmpl:'],
  ['template: a CA ARN', () => `tmpl:arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/${ID}`],
  ['template: no version', () => 'tmpl:arn:aws:acm-pca:::template/EndEntityClientAuthCertificate'],
  ['template: version without digits', () => 'tmpl:arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V'],
  ['template: name with a hyphen', () => 'tmpl:arn:aws:acm-pca:::template/End-Entity/V1'],
  ['template: region given', () => 'tmpl:arn:aws:acm-pca:us-east-1::template/EndEntityClientAuthCertificate/V1'],
  ['template: client-auth in upper case', () => 'tmpl:CLIENT-AUTH'],
];

const NOW = new Date('2026-06-15T12:00:00Z');
const validityCases: [string, () => string][] = [
  ['empty', () => ''],
  ['spaces only', () => '   '],
  ['a number without a unit', () => '300'],
  ['a unit without a number', () => 'd'],
  ['zero days', () => '0d'],
  ['negative days', () => '-5d'],
  ['a leading zero', () => '0300d'],
  ['a fraction', () => '1.5y'],
  ['an unknown unit', () => '10w'],
  ['the unit in upper case', () => '300D'],
  ['a space between number and unit', () => '300 d'],
  ['two periods', () => '1y2m'],
  ['seven digits', () => '1000000d'],
  ['101 years', () => '101y'],
  ['1201 months', () => '1201m'],
  ['36,891 days (past 100 years)', () => '36891d'],
  ['a date in the past', () => '2020-01-01'],
  ['yesterday', () => '2026-06-14'],
  ['a date 101 years ahead', () => '2127-06-16'],
  ['month 13', () => '2027-13-01'],
  ['February 30', () => '2027-02-30'],
  ['February 29 in a common year', () => '2027-02-29'],
  ['day 0', () => '2027-01-00'],
  ['a two-digit year', () => '27-01-31'],
  ['slashes', () => '2027/01/31'],
  ['date and time without a zone', () => '2027-01-31T10:00:00'],
  ['hour 24', () => '2027-01-31T24:00:00Z'],
  ['minute 60', () => '2027-01-31T10:60:00Z'],
  ['second 60 (leap second)', () => '2027-01-31T10:00:60Z'],
  ['a zone of +25:00', () => '2027-01-31T10:00:00+25:00'],
  ['a time in the past', () => '2026-06-15T11:59:59Z'],
  ['now exactly', () => '2026-06-15T12:00:00Z'],
  ['a year of five digits', () => '20270-01-31'],
  ['a date with a trailing word', () => '2027-01-31 please'],
  ['ISO week date', () => '2027-W05-1'],
  ['a date followed by a newline and more', () => '2027-01-31\nrm -rf /'],
];

describe('named corpus: PEM', () => runCorpus('pem', pemCases, EXPECTED.pem, (t: string | Buffer) => readPemOrDer(t, 'CERTIFICATE')));
describe('named corpus: PEM, any label', () => runCorpus('pem-all', pemCases.slice(0, 12), EXPECTED['pem-all'], (t: string | Buffer) => decodePemAll(t)));
describe('named corpus: distinguished names', () => runCorpus('dname', dnCases, EXPECTED.dname, (s: string) => parseDname(s)));
describe('named corpus: password sources', () => runCorpus('passwords', pwCases, EXPECTED.passwords, (i: PwInput) => resolveAll(i), [2, 3]));
describe('named corpus: S3 URIs', () => runCorpus('s3-uri', s3Cases, EXPECTED['s3-uri'], (s: string) => parseS3Uri(s), [2]));
describe('named corpus: ARNs', () =>
  runCorpus('arn', arnCases, EXPECTED.arn, (s: string) => (s.startsWith('tmpl:') ? resolveTemplateArn(s.slice(5)) : parseCaArn(s)), [2]));
describe('named corpus: validity', () => runCorpus('validity', validityCases, EXPECTED.validity, (s: string) => parseValidity(s, NOW), [2]));
