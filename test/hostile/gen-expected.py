# Writes test/hostile/expected-NAME.ts from the outcomes a CERTKIT_RECORD=1 run left in $TMPDIR.
# Used only when cases are added; every line it writes is reviewed before it is committed.
import json, os, sys, tempfile
name, suites = sys.argv[1], sys.argv[2:]
def q(s):
    s = s.replace('\\', '\\\\').replace("'", "\\'").replace('\n', '\\n')
    return "'" + ''.join('\\u%04x' % ord(c) if 0xd800 <= ord(c) <= 0xdfff or ord(c) < 0x20 else c for c in s) + "'"
out = ["/**", f" * Expected outcomes of the named {name} corpus: case name → [code, exact message].", " * Each was read against its case when the case was written.", " */", "import type { Expected } from './support.js';", "", "export const EXPECTED = {"]
for s in suites:
    d = json.load(open(os.path.join(tempfile.gettempdir(), f'certkit-record-{s}.json')))
    out.append(f"  {q(s)}: {{")
    for k, (c, m) in d.items():
        out.append(f"    {q(k)}: [{q(c)}, {q(m)}],")
    out.append("  },")
out.append("} satisfies Record<string, Expected>;")
open(f'test/hostile/expected-{name}.ts', 'w').write('\n'.join(out) + '\n')
