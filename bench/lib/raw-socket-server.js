// Baseline for B3: a bare Socket.io server (websocket only, perMessageDeflate off, no auth, no adapter)
// that broadcasts each event the bench posts to /emit to every client. Port in argv[2].
const { createServer } = require('node:http');
const { Server } = require(require.resolve('socket.io', { paths: [process.env.API_DIR] }));
const port = Number(process.argv[2]);
const http = createServer((req, res) => {
  if (req.url === '/mem') {
    global.gc?.();
    res.end(JSON.stringify({ ...process.memoryUsage(), clients: io.engine.clientsCount }));
  } else if (req.url === '/emit') {
    // The bench posts the event (the API's payload, stamped with the bench's clock at the emit).
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      io.to('tenant:bench').emit('reading.created', JSON.parse(body));
      res.end('ok');
    });
  } else res.end('ok');
});
const io = new Server(http, { path: '/api/socket.io', transports: ['websocket'], perMessageDeflate: false });
io.on('connection', (s) => {
  s.join('tenant:bench');
  s.emit('ready', { rooms: 1 });
});
http.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
