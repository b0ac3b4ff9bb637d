import { runServer, StartupError } from '../main.ts';
import { startWorker } from '../worker.ts';
import { CliFailure, UsageError } from './cli-errors.ts';
import type { Command } from './command.ts';

/** `hookline serve`: the whole gateway in one process; every config flag passes through to runServer. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the gateway (API, ingest and delivery worker) in this process',
  help: `Usage: hookline serve [--port N] [--host H] [--database URL] [--role all|api|worker] [--dev] [--<option> V]

Runs Hookline: the API, the ingest URLs and the delivery worker. The embedded SQLite store
(./.hookline/hookline.db) is the default; pass a postgres:// URL to share one database between processes.
Every option of docs/config.md is accepted as a --kebab-case flag, as HOOKLINE_* or in hookline.config.json
(flags win over the environment, which wins over the file). The first start prints the admin API key once.
SIGTERM/SIGINT stop gracefully (in-flight deliveries finish or are released).

Examples:
  hookline serve
  hookline serve --port 0 --database ./tmp/dev.db --dev
  hookline serve --database postgres://postgres@127.0.0.1:5432/hookline --role worker
`,
  async run(argv, io) {
    try {
      const running = await runServer({
        argv,
        env: io.env,
        handleSignals: true,
        startWorker,
        print: io.out,
      });
      // A line a person (and a test) can read the URL from, apart from the JSON logs.
      if (running.url !== null) io.out(`Hookline listening on ${running.url}\n`);
      else io.out('Hookline worker running (role worker, no HTTP API)\n');
      return 0;
    } catch (error) {
      if (error instanceof StartupError) {
        if (error.exitCode === 2) throw new UsageError(error.message);
        throw new CliFailure(error.code, error.message);
      }
      throw error;
    }
  },
};
