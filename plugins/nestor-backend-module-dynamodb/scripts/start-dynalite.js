#!/usr/bin/env node
/*
 * Starts dynalite, an implementation of the DynamoDB API, on 127.0.0.1:4567
 * for local development with `app-config.dynamodb.yaml`. In memory by default
 * (everything is gone when it stops); pass `--path <dir>` to keep the data.
 *
 *   npm run start:dynalite -w @nestor/plugin-nestor-backend-module-dynamodb
 *   node plugins/nestor-backend-module-dynamodb/scripts/start-dynalite.js --port 4567 --path .dynalite
 */
const dynalite = require('dynalite');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const host = option('host', '127.0.0.1');
const port = Number(option('port', process.env.DYNALITE_PORT || '4567'));
const path = option('path', undefined);

const server = dynalite({
  path,
  createTableMs: 50,
  deleteTableMs: 50,
  updateTableMs: 50,
});
server.on('error', error => {
  console.error(
    `dynalite could not listen on ${host}:${port}: ${error.message}`,
  );
  process.exit(1);
});
server.listen(port, host, () => {
  console.log(
    `dynalite listening on http://${host}:${port} (${
      path ? `data in ${path}` : 'in memory'
    }); Ctrl-C stops it`,
  );
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
