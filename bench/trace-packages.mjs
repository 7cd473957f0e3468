/**
 * `CERTKIT_TRACE_FILE=F node --import ./bench/trace-packages.mjs bin/certkit ...` appends the URL
 * of every module that goes through the ES module loader to F, one a line (bench/run.mjs counts
 * them by package). CommonJS files required from CommonJS are not seen, but the entry of every
 * package imported from ESM is: enough to tell whether a command pulls in the AWS SDK or pkijs.
 */
import { register } from 'node:module';

const file = process.env.CERTKIT_TRACE_FILE;
if (file) register('./trace-hooks.mjs', { parentURL: import.meta.url, data: { file } });
