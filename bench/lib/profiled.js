// Runs a built entry point (argv[2], relative to apps/api) so that SIGTERM ends it with process.exit,
// which makes `node --cpu-prof` write its profile (a signal death writes nothing).
process.on('SIGTERM', () => process.exit(0));
require(require('node:path').resolve(process.argv[2]));
