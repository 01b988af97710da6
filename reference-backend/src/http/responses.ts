import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export type HttpErrorCode =
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'UPGRADE_REQUIRED'
  | 'TOO_MANY_CONNECTIONS'
  | 'SERVICE_UNAVAILABLE'
  | 'INVALID_MESSAGE'
  | 'RATE_LIMITED'
  | 'INTERNAL';

export function errorBody(code: HttpErrorCode, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, code: HttpErrorCode, message: string): void {
  sendJson(res, status, { error: { code, message } });
}

/**
 * Refuse a WebSocket handshake before the upgrade: a complete HTTP response
 * with a JSON error body on the raw socket, then close it. Never a 101.
 */
export function refuseUpgrade(socket: Duplex, status: number, code: HttpErrorCode, message: string): void {
  const body = errorBody(code, message);
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    'Content-Type: application/json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Cache-Control: no-store\r\n' +
    'Connection: close\r\n\r\n';
  answerUpgradeWith(socket, head + body);
}

/** Write a whole HTTP response on the raw socket of an upgrade request, then close it. */
export function answerUpgradeWith(socket: Duplex, response: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(response);
}
