/**
 * What `buildApp(deps)` is given. Built once by main.ts (or a test), passed down explicitly:
 * routes and middleware take what they need from here, nothing reads the environment.
 */
import type { Redis } from 'ioredis';
import type { Producers } from '../queue/producers';
import type { LivePublisher } from '../services/live-status/live.service';
import type { Config } from '../../config/config';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { Database, Db } from '../store/db';
import type { AppOps } from './ops';

export interface AppDeps {
  config: Config;
  /** The query builder over every table. */
  db: Db;
  /** The database handle behind `db`: kind, schema, ping (health), close. */
  database: Database;
  logger: Logger;
  clock: Clock;
  /** Shared Redis (rate limits, queues). Absent in tests that don't need it: fall back to memory. */
  redis?: Redis;
  /** Queue producers (planning rounds). Default: built on `redis` with the `cordon` prefix; tests pass their own. */
  queue?: Producers;
  /** Live status publisher; when given, logout and session revocation also disconnect the session's sockets. */
  live?: LivePublisher;
  /** Metrics and readiness of this process (see ops.ts). Default: built by buildApp from `database` and `redis`. */
  ops?: AppOps;
}
