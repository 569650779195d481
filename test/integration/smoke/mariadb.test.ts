import * as assert from 'node:assert/strict';
import * as mysql from 'mysql2/promise';
import { startMariaDb, type MariaDbServer } from '../support/mariadb';

describe('smoke: MariaDB server', () => {
  let db: MariaDbServer | undefined;

  before(async () => {
    const t0 = Date.now();
    db = await startMariaDb();
    console.log(`      mariadbd started on ${db.host}:${db.port} in ${Date.now() - t0} ms`);
  });

  after(async () => {
    await db?.stop();
  });

  it('answers SELECT 1 over TCP with the root password', async () => {
    const conn = await mysql.createConnection({ host: db!.host, port: db!.port, user: db!.user, password: db!.password });
    try {
      const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT 1 AS one');
      assert.deepEqual(rows.map((r) => r.one), [1]);
    } finally {
      await conn.end();
    }
  });
});
