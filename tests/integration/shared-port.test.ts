/**
 * The API processes of a cluster take several new connections per turn of their event loop (issue
 * #21, src/http/shared-port.ts): Node 20 accepts one per turn on a listening handle, and a busy API
 * process's turns are long, so a burst of new connections (a morning's phones, the sockets of an API
 * process that restarted) waited seconds to be accepted. Here one API process's listening runs in a
 * real process, its descriptors of the port bound and handed down as the primary does; its loop is
 * held while twenty connections arrive, then counts what it takes per turn. Each is answered.
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ACCEPT_FDS, bindPort, INHERITED_FDS_VARIABLE } from '../../src/http/shared-port';
import { until } from './queue.fixtures';

const CONNECTIONS = 20;
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
  it(`a held API process then takes up to ${ACCEPT_FDS} waiting connections a turn, and answers each`, async () => {
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
      // The kernel completes each handshake; the connections wait in the port's queue for the child.
      for (let i = 0; i < CONNECTIONS; i++) sockets.push(connect(bound.port, '127.0.0.1'));
      await Promise.all(sockets.map((s) => new Promise((resolve, reject) => s.once('connect', resolve).once('error', reject))));
      await writeFile(holdFile, '');
      const answers = await Promise.all(sockets.map(get));
      expect(answers).toEqual(Array(CONNECTIONS).fill('HTTP/1.1 200 OK'));
      child.send({ do: 'report' });
      await until(() => messages.some((m) => m.accepted !== undefined), 10_000);
      const report = messages.find((m) => m.accepted !== undefined)!;
      expect(report.accepted).toBe(CONNECTIONS);
      // One descriptor took one a turn: twenty turns for twenty connections.
      expect(report.mostInOneTurn).toBeGreaterThan(1);
      expect(report.mostInOneTurn).toBeLessThanOrEqual(ACCEPT_FDS);
    } finally {
      for (const s of sockets) s.destroy();
      child.send({ do: 'exit' });
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    }
  }, 120_000);
});
