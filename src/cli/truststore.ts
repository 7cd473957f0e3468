/** `certkit truststore <command>`: truststores of CA certificates. */
import { defineGroup } from './command.js';
import { truststoreCreateCommand } from './truststore-create.js';

export const truststoreCommand = defineGroup({
  command: 'truststore',
  describe: 'Create truststores of CA certificates',
  subcommands: [truststoreCreateCommand],
});
