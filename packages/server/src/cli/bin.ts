#!/usr/bin/env node
// The `hookline` executable. Runs unbuilt on Node ≥ 22.18 (type stripping); everything lives in run-cli.ts.
import { processIo } from './cli-io.ts';
import { runCli } from './run-cli.ts';

// `hookline … | head` closes the pipe early: that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
process.exitCode = await runCli(process.argv.slice(2), processIo());
