/**
 * Child process: runs s3rver (a local S3-compatible server) and forwards its bucket events to the
 * parent over IPC. Runs in its own process because s3rver's listing pagination needs
 * `--openssl-legacy-provider`, which the parent (tests, npm start) should not have to carry.
 */
// @ts-expect-error s3rver ships no type declarations
import S3rver from 's3rver';

const [port, directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({
  port: Number(port),
  address: '127.0.0.1',
  silent: true,
  directory,
  configureBuckets: buckets.map((name) => ({ name })),
});
server.on('event', (event: unknown) => process.send?.({ type: 'event', event }));
await server.run();
process.send?.({ type: 'ready' });
// The parent owns our lifetime: when it goes away (or disconnects), stop.
process.on('disconnect', () => process.exit(0));
