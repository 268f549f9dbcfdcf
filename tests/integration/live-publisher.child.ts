/**
 * A worker-like publisher in its own process: no Socket.IO server, only the event store and the
 * Redis stream. Usage: tsx live-publisher.child.ts <schema> <streamName> <scope> <count>
 */
import { Redis } from 'ioredis';
import type { Scope } from '../../src/contracts/events';
import { createLiveStream } from '../../src/services/live-status/live-stream';
import { createLivePublisher } from '../../src/services/live-status/live.service';
import { systemClock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import { openDatabase } from '../../src/store/db';
import { PG_URL, REDIS_URL } from './live-harness';
import type { Db } from '../../src/store/db';

const [schema, streamName, scope, count] = process.argv.slice(2);
if (!schema || !streamName || !scope || !count) throw new Error('usage: <schema> <streamName> <scope> <count>');
const database = await openDatabase({ url: PG_URL, schema, poolSize: 2 });
const redis = new Redis(REDIS_URL);
const publisher = createLivePublisher({
  db: database.db as unknown as Db,
  stream: createLiveStream(redis, { streamName }),
  clock: systemClock,
  logger: createLogger({ level: 'silent' }),
});
for (let i = 1; i <= Number(count); i++) {
  await publisher.publish([scope as Scope], { type: 'round.progress', roundId: `worker-${i}`, percent: i, stage: 'routing' });
}
console.log(`published ${count} from pid ${process.pid}`);
redis.disconnect();
await database.close();
