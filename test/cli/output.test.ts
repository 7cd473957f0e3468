import { describe, expect, it } from 'vitest';

import { formatListing, javaDateString, javaMediumDate, listingJson } from '../../src/cli/output.js';

describe('keytool-style text', () => {
  it('prints dates as Java does (Date.toString in UTC; the medium date without a leading zero)', () => {
    expect(javaDateString(new Date('2025-01-01T00:00:00Z'))).toBe('Wed Jan 01 00:00:00 UTC 2025');
    expect(javaDateString(new Date('2049-12-26T09:05:07Z'))).toBe('Sun Dec 26 09:05:07 UTC 2049');
    expect(javaMediumDate(new Date('2026-11-03T23:59:59Z'))).toBe('Nov 3, 2026');
  });

  it('lists an empty store and a secret-key entry as keytool does', () => {
    expect(formatListing('jks', [])).toBe('Keystore type: JKS\n\nYour keystore contains 0 entries\n');
    expect(
      formatListing('jceks', [{ alias: 'aes-key', kind: 'secret-key', created: new Date('2026-11-23T10:00:00Z'), keyAlgorithm: null, chain: [] }]),
    ).toBe(
      'Keystore type: JCEKS\n\nYour keystore contains 1 entry\n\nAlias name: aes-key\nCreation date: Nov 23, 2026\nEntry type: SecretKeyEntry\n\n\n' +
        '*******************************************\n*******************************************\n',
    );
  });

  it('JSON: key order, and null for a creation date and a key algorithm the store does not give', () => {
    const json = listingJson('jceks', [{ alias: 'aes-key', kind: 'secret-key', keyAlgorithm: null, chain: [] }]);
    expect(json).toBe(
      '{\n  "type": "jceks",\n  "entries": [\n    {\n      "alias": "aes-key",\n      "kind": "secret-key",\n      "created": null,\n      "keyAlgorithm": null,\n      "chain": []\n    }\n  ]\n}',
    );
  });
});
