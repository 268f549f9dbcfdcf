/**
 * What the live server is given and how its sockets are typed.
 */
import type { Redis } from 'ioredis';
import type { Server, Socket } from 'socket.io';
import type { LiveClientEvents, LiveServerEvents } from '../contracts/event-socket';
import type { Actor } from '../domain/access';
import type { Logger } from '../shared/logger';
import type { AuditService } from '../services/access/audit.service';
import type { ScopeDirectory } from '../services/live-status/live-access.service';
import type { DriverTracking } from '../services/live-status/live-tracking.service';
import type { Db } from '../store/db';

export interface SocketBudget {
  /** Sustained requests per second. Default 10. */
  perSecond?: number;
  /** Requests allowed at once after a quiet period. Default 30 (a reconnect resumes many scopes). */
  burst?: number;
}

export interface LiveOptions {
  /** Redis stream shared by every server and publisher (keep equal to the publishers' `streamName`). Default `socket.io`. */
  streamName?: string;
  /** Prefix of the adapter's pub/sub channels and recovery session keys. Default `socket.io`. */
  keyPrefix?: string;
  /** Most events one `resume` replays; further behind answers `snapshot-required`. Default 500. */
  maxReplay?: number;
  /** How long Socket.IO keeps a disconnected client's state for recovery, in ms. Default 120,000. */
  maxDisconnectionMs?: number;
  /** Also accept HTTP long-polling (needs sticky sessions with several processes). Default false. */
  allowPolling?: boolean;
  /** How often each socket's session is checked again (expiry, revocation, assignments), in ms. Default 300,000. */
  revalidateMs?: number;
  /** Requests (subscribe, resume, reports) per socket: sustained per second and burst. Default 10/s, burst 30. */
  requestBudget?: SocketBudget;
}

export interface LiveDeps {
  /** Resolves a session token to its actor (with `sessionId`), or null if unknown, expired or revoked. */
  authenticate(token: string): Promise<Actor | null>;
  directory: ScopeDirectory;
  /** Event store (replay). */
  db: Db;
  /** A Redis connection for the streams adapter (it duplicates it for its blocking reads). */
  redis: Redis;
  logger: Logger;
  /** Records refused subscriptions (`live.subscribe` denied), like refused API calls. Absent: not recorded. */
  audit?: Pick<AuditService, 'record'>;
  /** Handles drivers' position and stop reports; absent: drivers' reports are refused as unavailable. */
  tracking?: DriverTracking;
  options?: LiveOptions;
}

export interface SocketData {
  actor: Actor;
  sessionId: string;
}

export type LiveIo = Server<LiveClientEvents, LiveServerEvents, Record<string, never>, SocketData>;
export type LiveSocket = Socket<LiveClientEvents, LiveServerEvents, Record<string, never>, SocketData>;
