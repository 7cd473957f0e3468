/** `certkit keystore <command>`: list, create, convert and export keystores. */
import { defineGroup } from './command.js';
import { keystoreConvertCommand } from './keystore-convert.js';
import { keystoreCreateCommand } from './keystore-create.js';
import { keystoreExportCommand } from './keystore-export.js';
import { keystoreListCommand } from './keystore-list.js';

export const keystoreCommand = defineGroup({
  command: 'keystore',
  describe: 'List, create, convert and export JKS and PKCS#12 keystores',
  subcommands: [keystoreListCommand, keystoreCreateCommand, keystoreConvertCommand, keystoreExportCommand],
});
