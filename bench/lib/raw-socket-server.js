// Baseline for B3: a bare Socket.io server (websocket only, perMessageDeflate off, no auth, no adapter)
// that broadcasts one reading-sized event per second to every client. Port in argv[2].
const { createServer } = require('node:http');
const { Server } = require(require.resolve('socket.io', { paths: [process.env.API_DIR] }));
const port = Number(process.argv[2]);
const http = createServer((req, res) => {
  if (req.url === '/mem') {
    global.gc?.();
    res.end(JSON.stringify({ ...process.memoryUsage(), clients: io.engine.clientsCount }));
  } else if (req.url.startsWith('/emit')) {
    // The bench's own clock at the emit (as the API's events carry it), not this server's when it gets to the request.
    const sentAt = Number(new URL(req.url, 'http://x').searchParams.get('sentAt')) || Date.now();
    io.to('tenant:bench').emit('reading.created', {
      sentAt,
      tenantId: 'bench',
      deviceId: '00000000-0000-0000-0000-000000000000',
      meterId: null,
      meterSerialNo: 'X',
      subscriptionId: null,
      time: new Date().toISOString(),
      indexM3: 1,
      consumptionM3: 0.02,
      batteryPct: 90,
      rssi: -90,
      snr: 5,
      alarms: [],
      valveState: null,
      receivedAt: new Date().toISOString(),
    });
    res.end('ok');
  } else res.end('ok');
});
const io = new Server(http, { path: '/api/socket.io', transports: ['websocket'], perMessageDeflate: false });
io.on('connection', (s) => {
  s.join('tenant:bench');
  s.emit('ready', { rooms: 1 });
});
http.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
