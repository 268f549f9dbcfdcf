/**
 * An API process's listening, alone (shared-port.test.ts): the port's descriptors inherited from
 * the test as the cluster's primary hands them down, an HTTP server answering 200 on them. On 'hold'
 * its event loop is held (as a busy machine holds an API process's) until the file named by
 * HOLD_FILE exists; then it reports the most connections it took in one turn of the loop.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { inheritedFds, listenInherited } from '../../src/http/shared-port';

const holdFile = process.env.HOLD_FILE!;
const server = createServer((_req, res) => res.end('ok'));
let accepted = 0;
server.on('connection', () => accepted++);
await listenInherited(server, inheritedFds(), 0, '127.0.0.1');
process.send!({ listening: inheritedFds() });

let most = 0;
let last = 0;
// A turn of the loop: the check phase, once per turn, counts what the poll phase before it took.
const everyTurn = () => {
  most = Math.max(most, accepted - last);
  last = accepted;
  turn = setImmediate(everyTurn);
};
let turn = setImmediate(everyTurn);
process.on('message', (m: { do: string }) => {
  if (m.do === 'hold') {
    process.send!({ holding: true });
    const wait = new Int32Array(new SharedArrayBuffer(4));
    while (!existsSync(holdFile)) Atomics.wait(wait, 0, 0, 5);
  } else if (m.do === 'report') {
    process.send!({ accepted, mostInOneTurn: most });
  } else if (m.do === 'exit') {
    clearImmediate(turn);
    process.exit(0);
  }
});
