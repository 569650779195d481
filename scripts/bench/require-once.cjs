// Times requiring one file in a fresh process; prints ms.
const started = performance.now();
require(process.argv[2]);
process.stdout.write(String(performance.now() - started));
