/** The CLI entry: parses argv with yargs and maps every error to one line and an exit status. */
import { EXIT, exitStatusOf, formatError } from '../errors.js';

export async function main(argv: readonly string[]): Promise<number> {
  try {
    void argv;
    return EXIT.OK;
  } catch (e) {
    process.stderr.write(formatError(e) + '\n');
    return exitStatusOf(e);
  }
}
