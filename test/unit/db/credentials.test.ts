import * as assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { createIamAuthToken, credentialCandidates, DbCredentials, parseSecretString, resolveCredentials, type CredentialSource, type CredentialSources } from '../../../src/core/db/credentials';

const SECRET = 'pa$$w0rd-do-not-leak';

async function collect(it: AsyncIterable<DbCredentials>): Promise<string[]> {
  const out: string[] = [];
  for await (const c of it) out.push(`${c.source}:${c.user}:${c.password}`);
  return out;
}

describe('db credentials', () => {
  it('never shows the password in JSON, inspect, String() or template strings', () => {
    const c = new DbCredentials('admin', SECRET, 'storedPassword');
    assert.equal(c.password, SECRET);
    for (const text of [JSON.stringify(c), inspect(c), inspect({ nested: c }, { depth: 5, showHidden: true }), String(c), `${c}`]) {
      assert.doesNotMatch(text, /do-not-leak/, text);
    }
    assert.deepEqual(JSON.parse(JSON.stringify(c)), { user: 'admin', source: 'storedPassword' });
  });

  it('reads username and password from a secret string', () => {
    assert.deepEqual(parseSecretString(JSON.stringify({ username: 'admin', password: SECRET, engine: 'mysql', port: 3306 })), { username: 'admin', password: SECRET });
    assert.deepEqual(parseSecretString('{"username": "admin", "password": ""}'), { username: 'admin', password: '' });
  });

  it('refuses a malformed secret without quoting it', () => {
    for (const bad of [`not json ${SECRET}`, `{"password":"${SECRET}"}`, `{"username":"","password":"${SECRET}"}`, `["${SECRET}"]`, 'null', `{"username":"a","password":42}`]) {
      assert.throws(
        () => parseSecretString(bad),
        (e: Error) => !/do-not-leak/.test(e.message) && !/do-not-leak/.test(inspect(e)) && /username.*password/.test(e.message),
        bad,
      );
    }
    assert.throws(() => parseSecretString(undefined), /no text value/);
  });

  describe('the order of sources', () => {
    const db = { masterUsername: 'admin', masterUserSecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:rds!db-1', iamAuthEnabled: true };
    const asked: string[] = [];
    const sources: CredentialSources = {
      managedSecret: async () => (asked.push('managedSecret'), new DbCredentials('admin', 'from-secret', 'managedSecret')),
      storedPassword: async (u) => (asked.push(`stored:${u}`), 'from-store'),
      promptPassword: async (u) => (asked.push(`prompt:${u}`), 'typed'),
      iamToken: async (u) => (asked.push(`iam:${u}`), new DbCredentials(u, 'token', 'iamToken')),
    };
    beforeEach(() => (asked.length = 0));

    it('managed secret, then stored password, then a prompt', async () => {
      assert.deepEqual(await collect(credentialCandidates({ db }, sources)), [
        'managedSecret:admin:from-secret',
        'storedPassword:admin:from-store',
        'typedPassword:admin:typed',
      ]);
    });

    it('asks each source only when the one before was passed over (lazy)', async () => {
      assert.equal((await resolveCredentials({ db }, sources))?.source, 'managedSecret');
      assert.deepEqual(asked, ['managedSecret']);
    });

    it('starts with the source remembered for this DB', async () => {
      const order = (remembered: CredentialSource) => collect(credentialCandidates({ db, remembered }, sources)).then((l) => l.map((x) => x.split(':')[0]));
      assert.deepEqual(await order('storedPassword'), ['storedPassword', 'managedSecret', 'typedPassword']);
      assert.deepEqual(await order('typedPassword'), ['typedPassword', 'managedSecret', 'storedPassword']);
    });

    it('uses only an IAM token when the user chose IAM', async () => {
      assert.deepEqual(await collect(credentialCandidates({ db, useIam: true, user: 'app_iam' }, sources)), ['iamToken:app_iam:token']);
      assert.deepEqual(asked, ['iam:app_iam']);
    });

    it('skips the master secret for another user, and when the DB has none', async () => {
      assert.deepEqual(await collect(credentialCandidates({ db, user: 'app' }, sources)), ['storedPassword:app:from-store', 'typedPassword:app:typed']);
      const unmanaged = { ...db, masterUserSecretArn: undefined };
      assert.deepEqual((await collect(credentialCandidates({ db: unmanaged }, sources))).map((x) => x.split(':')[0]), ['storedPassword', 'typedPassword']);
    });

    it('goes on past a secret it may not read, and says why', async () => {
      const skipped: string[] = [];
      const denied: CredentialSources = { ...sources, managedSecret: async () => Promise.reject(new Error('AccessDenied on the secret')) };
      assert.deepEqual((await collect(credentialCandidates({ db }, denied, (s) => skipped.push(`${s.source}: ${s.reason}`)))).map((x) => x.split(':')[0]), ['storedPassword', 'typedPassword']);
      assert.deepEqual(skipped, ['managedSecret: AccessDenied on the secret']);
    });

    it('yields nothing for a stored password that is not there or a dismissed prompt', async () => {
      const empty: CredentialSources = { storedPassword: async () => undefined, promptPassword: async () => undefined };
      assert.equal(await resolveCredentials({ db: { ...db, masterUserSecretArn: undefined } }, empty), undefined);
    });

    it('warns when IAM is chosen but not enabled on the DB', async () => {
      const skipped: string[] = [];
      await collect(credentialCandidates({ db: { ...db, iamAuthEnabled: false }, useIam: true }, sources, (s) => skipped.push(s.reason)));
      assert.match(skipped.join(), /not enabled/);
    });
  });

  it('signs an IAM auth token for the endpoint, user and region, valid 15 minutes', async () => {
    const now = Date.UTC(2025, 0, 2, 3, 4, 5);
    const creds = await createIamAuthToken(
      { host: 'appdb.abc.eu-west-1.rds.amazonaws.com', port: 3306, user: 'app_iam', region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } },
      () => now,
    );
    assert.equal(creds.source, 'iamToken');
    assert.equal(creds.isIamToken, true);
    assert.equal(creds.expiresAt?.getTime(), now + 15 * 60 * 1000);
    const url = new URL(`https://${creds.password}`);
    assert.equal(url.host, 'appdb.abc.eu-west-1.rds.amazonaws.com:3306');
    assert.equal(url.searchParams.get('Action'), 'connect');
    assert.equal(url.searchParams.get('DBUser'), 'app_iam');
    assert.match(url.searchParams.get('X-Amz-Credential') ?? '', /^AKIDEXAMPLE\/\d{8}\/eu-west-1\/rds-db\/aws4_request$/);
    assert.equal(url.searchParams.get('X-Amz-Expires'), '900');
    assert.match(url.searchParams.get('X-Amz-Signature') ?? '', /^[0-9a-f]{64}$/);
  });
});
