import type { Command } from './command.ts';
import { configCommand } from './config-command.ts';
import { encryptionCommand } from './encryption-command.ts';
import { listenCommand } from './listen-command.ts';
import { replayCommand } from './replay-command.ts';
import {
  deliveriesCommand,
  endpointsCommand,
  eventTypesCommand,
  keysCommand,
  messagesCommand,
  sourcesCommand,
} from './resources.ts';
import { sendCommand } from './send-command.ts';
import { serveCommand } from './serve-command.ts';
import { tailCommand } from './tail-command.ts';
import { verifyCommand } from './verify-command.ts';

/** Every `hookline` command, in the order the top-level help lists them. */
export const COMMANDS: readonly Command[] = [
  serveCommand,
  configCommand,
  encryptionCommand,
  sendCommand,
  verifyCommand,
  listenCommand,
  tailCommand,
  replayCommand,
  endpointsCommand,
  sourcesCommand,
  keysCommand,
  eventTypesCommand,
  messagesCommand,
  deliveriesCommand,
];

/** The command called `name` or one of its aliases. */
export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name || command.aliases?.includes(name));
}
