import { unpackReadingsBatch } from '@water/shared';
import { io, type Socket } from 'socket.io-client';

/** A console-like Socket.io client that records every event it receives. */
export async function connectLive(
  baseUrl: string,
  token: string,
): Promise<{
  socket: Socket;
  events: { name: string; payload: any }[];
  waitFor(pred: (e: { name: string; payload: any }) => boolean, ms?: number): Promise<{ name: string; payload: any }>;
}> {
  const socket = io(baseUrl, { path: '/api/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
  const events: { name: string; payload: any }[] = [];
  const waiters: { pred: (e: { name: string; payload: any }) => boolean; resolve: (e: { name: string; payload: any }) => void }[] = [];
  const record = (e: { name: string; payload: any }) => {
    events.push(e);
    for (const w of [...waiters])
      if (w.pred(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
  };
  socket.onAny((name, payload) => {
    record({ name, payload });
    // As the console does: a coalesced batch stands for its readings and device states.
    if (name === 'readings.batch') for (const e of unpackReadingsBatch(payload)) record(e);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket did not become ready')), 10_000);
    socket.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', (e: { message: string }) => {
      clearTimeout(timer);
      reject(new Error(e.message));
    });
  });
  return {
    socket,
    events,
    waitFor(pred, ms = 10_000) {
      const found = events.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve };
        waiters.push(w);
        setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(new Error('event did not arrive in time'));
          }
        }, ms);
      });
    },
  };
}
