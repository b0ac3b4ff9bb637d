// A stand-in for http-client-thread.ts that takes the first batch of requests and dies with them unanswered
// (threaded-http-client.test.ts): what a crash of the real thread would leave behind.
import { parentPort } from 'node:worker_threads';

parentPort?.once('message', () => {
  process.exit(3);
});
