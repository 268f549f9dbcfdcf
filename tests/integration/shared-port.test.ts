/**
 * The API processes of a cluster take several new connections per turn of their event loop (issue
 * #21, src/http/shared-port.ts): Node 20 accepts one per turn on a listening handle, and a busy API
 * process's turns are long, so a burst of new connections (a morning's phones, the sockets of an API
 * process that restarted) waited seconds to be accepted. Here one API process's listening runs in a
 * real process, its descriptors of the port bound and handed down as the primary does; its loop is
 * held while 600 connections arrive (all are queued by the kernel: the backlog is larger than Node's
 * 511), then counts what it takes per turn. Each is answered.
 */
import { fork } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ACCEPT_FDS, bindPort, INHERITED_FDS_VARIABLE } from '../../src/http/shared-port';
import { until } from './queue.fixtures';

/** More than Node's default listen backlog (511) holds: with it, the rest would wait for the loop, their handshakes dropped. */
const CONNECTIONS = 600;
let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function get(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.endsWith('ok')) resolve(text.split('\r\n')[0]!);
    });
    socket.once('error', reject);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  });
}

describe('shared port', () => {
  it(`a held API process finds ${CONNECTIONS} connections queued, takes up to ${ACCEPT_FDS} a turn, and answers each`, async () => {
    // The kernel caps every backlog at net.core.somaxconn (4096 by default since Linux 5.4).
    expect(Number(await readFile('/proc/sys/net/core/somaxconn', 'utf8')), 'net.core.somaxconn is below this test\'s connections').toBeGreaterThanOrEqual(CONNECTIONS);
    dir = await mkdtemp(join(tmpdir(), 'shared-port-'));
    const holdFile = join(dir, 'release');
    const bound = await bindPort(0, '127.0.0.1');
    const child = fork(fileURLToPath(new URL('./shared-port.child.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'], stdio: bound.stdio as never, env: { ...process.env, [INHERITED_FDS_VARIABLE]: String(ACCEPT_FDS), HOLD_FILE: holdFile },
    });
    // The child holds its own descriptors of the port from here; this one is never listened on.
    bound.close();
    const messages: Record<string, unknown>[] = [];
    child.on('message', (m: Record<string, unknown>) => messages.push(m));
    const sockets: Socket[] = [];
    try {
      await until(() => messages.some((m) => m.listening === ACCEPT_FDS), 60_000);
      child.send({ do: 'hold' });
      await until(() => messages.some((m) => m.holding), 10_000);
      // The kernel completes each handshake; the connections wait in the port's queue for the child
      // (past the backlog, a handshake is dropped and the client retries while the loop is held).
      let connected = 0;
      for (let i = 0; i < CONNECTIONS; i++) sockets.push(connect(bound.port, '127.0.0.1').once('connect', () => connected++));
      await until(() => connected === CONNECTIONS, 30_000);
      await writeFile(holdFile, '');
      const answers = await Promise.all(sockets.map(get));
      expect(answers).toEqual(Array(CONNECTIONS).fill('HTTP/1.1 200 OK'));
      child.send({ do: 'report' });
      await until(() => messages.some((m) => m.accepted !== undefined), 10_000);
      const report = messages.find((m) => m.accepted !== undefined)!;
      expect(report.accepted).toBe(CONNECTIONS);
      // One descriptor took one a turn: 600 turns for 600 connections.
      expect(report.mostInOneTurn).toBeGreaterThan(1);
      expect(report.mostInOneTurn).toBeLessThanOrEqual(ACCEPT_FDS);
    } finally {
      for (const s of sockets) s.destroy();
      // Released (if a check failed while it was held) and told to go; killed if it does not.
      await writeFile(holdFile, '');
      const exited = new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
      if (child.connected) child.send({ do: 'exit' });
      await until(() => child.exitCode !== null || child.signalCode !== null, 10_000).catch(() => child.kill('SIGKILL'));
      await exited;
    }
  }, 120_000);
});
