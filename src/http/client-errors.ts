/**
 * Requests Node's HTTP parser refuses before Express sees them (headers or URL over the size
 * limit, a malformed request line) still get a problem document, like every other answer, instead
 * of Node's bare status line. Attach to every server that serves the app.
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError } from '../shared/errors';

function problemResponse(error: AppError): string {
  const body = JSON.stringify({ type: `/problems/${error.code}`, title: error.title, status: error.status, detail: error.message, code: error.code });
  return [
    `HTTP/1.1 ${error.status} ${error.title}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // The peer went away, or a response is already under way: nothing can be answered.
    if (err.code === 'ECONNRESET' || !socket.writable || (socket as Duplex & { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    const error = err.code === 'HPE_HEADER_OVERFLOW'
      ? new AppError('headers_too_large', 'the request headers (or its URL) are larger than allowed')
      : new AppError('malformed', 'the request could not be parsed as HTTP');
    socket.end(problemResponse(error));
  });
}
