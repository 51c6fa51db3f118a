// B3's load generator, one child process of many: a process may hold at most `ulimit -n` (20,000 here)
// sockets, so 20,000 clients take several of these. Driven over IPC by bench/b3-fanout.ts:
//   { cmd: 'connect', url, n, token } → { type: 'connected', failed, ms }
//   { cmd: 'collect' }               → { type: 'latency', hist: [[ms, count], …], n } (emit → receive, whole ms)
//   { cmd: 'close' }                 → closes its sockets and exits.
// Latencies are kept as a histogram of whole milliseconds (Date.now() resolution), so 2.4M samples cost a few KB of IPC.
const { io } = require(require.resolve('socket.io-client', { paths: [process.env.API_DIR] }));

const sockets = [];
const hist = new Map();
let received = 0;

function onEvent(e) {
  const ms = Date.now() - e.sentAt;
  hist.set(ms, (hist.get(ms) ?? 0) + 1);
  received++;
}

function connectOne(url, token) {
  return new Promise((resolve) => {
    const s = io(url, {
      path: '/api/socket.io',
      transports: ['websocket'],
      auth: token ? { token } : {},
      reconnection: false,
      forceNew: true,
    });
    const t = setTimeout(() => resolve(false), 20_000);
    s.once('ready', () => {
      clearTimeout(t);
      resolve(true);
    });
    s.once('connect_error', () => {
      clearTimeout(t);
      resolve(false);
    });
    s.on('reading.created', onEvent);
    sockets.push(s);
  });
}

async function connect({ url, n, token }) {
  const t0 = Date.now();
  let failed = 0;
  for (let i = 0; i < n; i += 100) {
    const ok = await Promise.all(Array.from({ length: Math.min(100, n - i) }, () => connectOne(url, token)));
    failed += ok.filter((x) => !x).length;
  }
  return { failed, ms: Date.now() - t0 };
}

process.on('message', async (m) => {
  if (m.cmd === 'connect') process.send({ type: 'connected', ...(await connect(m)) });
  else if (m.cmd === 'collect') process.send({ type: 'latency', hist: [...hist.entries()], n: received });
  else if (m.cmd === 'close') {
    for (const s of sockets) s.close();
    setTimeout(() => process.exit(0), 200);
  }
});
process.on('disconnect', () => process.exit(0));
