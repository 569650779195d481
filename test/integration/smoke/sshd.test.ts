import * as assert from 'node:assert/strict';
import * as mysql from 'mysql2/promise';
import { Client, type ClientChannel } from 'ssh2';
import { startMariaDb, type MariaDbServer } from '../support/mariadb';
import { startSshd, type SshServer } from '../support/sshd';

function connect(ssh: SshServer): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    client.connect({ host: ssh.host, port: ssh.port, username: ssh.username, privateKey: ssh.privateKey, readyTimeout: 10_000 });
  });
}

function forwardOut(client: Client, host: string, port: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, host, port, (err, stream) => (err ? reject(err) : resolve(stream)));
  });
}

describe('smoke: sshd tunnel to MariaDB', () => {
  let ssh: SshServer | undefined;
  let db: MariaDbServer | undefined;
  let client: Client | undefined;

  before(async () => {
    const t0 = Date.now();
    const [s, d] = await Promise.allSettled([
      startSshd().then((s) => (console.log(`      sshd started on 127.0.0.1:${s.port} in ${Date.now() - t0} ms`), s)),
      startMariaDb(),
    ]);
    if (s.status === 'fulfilled') ssh = s.value;
    if (d.status === 'fulfilled') db = d.value;
    if (s.status === 'rejected') throw s.reason;
    if (d.status === 'rejected') throw d.reason;
  });

  after(async () => {
    if (client) {
      const closed = new Promise<void>((resolve) => {
        client!.once('close', () => resolve());
        setTimeout(resolve, 2000).unref();
      });
      client.end();
      await closed;
    }
    await Promise.all([ssh?.stop(), db?.stop()]);
  });

  it('logs in with the key, forwards to MariaDB and runs SQL over the stream', async () => {
    client = await connect(ssh!);
    const stream = await forwardOut(client, db!.host, db!.port);
    const conn = await mysql.createConnection({ stream, user: db!.user, password: db!.password });
    try {
      const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT 1 AS one');
      assert.deepEqual(rows.map((r) => r.one), [1]);
      await conn.query('CREATE DATABASE smoke_x');
      const [dbs] = await conn.query<mysql.RowDataPacket[]>("SHOW DATABASES LIKE 'smoke_x'");
      assert.equal(dbs.length, 1);
    } finally {
      await conn.end();
    }
  });
});
