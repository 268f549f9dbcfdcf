/**
 * `npm start` on a fresh machine: make sure a Redis answers at REDIS_URL. When none does and a
 * `redis-server` binary is on PATH, start one as a child process (it stops with us, however this
 * process ends short of SIGKILL); otherwise stop with one line saying how to get one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from './shared/logger';
import { endpointOf, RedisUnavailableError, redisUnavailable } from './startup-errors';

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Returns the child process when one was started (kill it on shutdown), undefined when Redis was already there. */
export async function ensureRedis(url: string, autostart: boolean, logger: Logger): Promise<ChildProcess | undefined> {
  if (await answers(url)) return undefined;
  const { hostname, port } = new URL(url);
  const local = hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '::1' || hostname === '[::1]';
  const binary = onPath('redis-server');
  const at = endpointOf(url, 6379);
  if (!autostart || !local) throw redisUnavailable(url, autostart ? 'not local, so not started here' : 'REDIS_AUTOSTART=off');
  if (!binary) {
    throw new RedisUnavailableError(
      `REDIS_URL: no Redis answers at ${at} and redis-server is not installed: \`sudo apt-get install redis-server\` (or \`brew install redis\`, or \`docker compose up -d redis\`), then start again`,
    );
  }
  const args = ['--port', port || '6379', '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'];
  const child = spawn(binary, args, { stdio: 'ignore' });
  // Whatever ends this process (a failed start-up, process.exit anywhere, an uncaught error), the
  // session's redis-server goes with it; stop() kills it earlier on the orderly path.
  const killChild = () => child.kill();
  process.once('exit', killChild);
  child.once('exit', () => process.off('exit', killChild));
  for (let i = 0; i < 50; i++) {
    if (await answers(url)) {
      logger.info({ url: at, pid: child.pid }, 'started a local redis-server (stops with this process; nothing persisted)');
      return child;
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new RedisUnavailableError(`REDIS_URL: started ${binary} on port ${port || 6379} but it did not answer (port taken by something else?): free the port, or point REDIS_URL at a running Redis`);
}
