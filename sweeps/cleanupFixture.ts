// Child process of testkit.test.ts: starts through the testkit what a sweep test starts (a redis-server, a worker
// process, a temp dir), prints their pids and the dir as one line, then idles until it is interrupted (with
// --exit it exits at once instead, the normal end of a test run).
import { freshQueueName, ownedTempDir, spawnWorker, startOwnedRedis } from './testkit';

const redis = await startOwnedRedis();
const worker = await spawnWorker(redis.url, freshQueueName('cleanup'));
const dir = ownedTempDir('sweeps-cleanup-');
console.log(`OWNED ${JSON.stringify({ redisPid: redis.pid, workerPid: worker.pid, dir })}`);
if (process.argv.includes('--exit')) process.exit(0);
setInterval(() => undefined, 1 << 30);
