/**
 * A MariaDB that speaks TLS with a certificate from a throwaway CA, issued to a made-up RDS
 * endpoint name (and to localhost/127.0.0.1). Lets the tests prove what the RDS route does:
 * verification against a CA, with the endpoint's name checked through a tunnel whose socket
 * goes to 127.0.0.1.
 *
 * The support package's startMariaDb with a certificate from makeTestCertificates.
 */
import { randomBytes } from 'node:crypto';
import * as mysql from 'mysql2/promise';
import { makeTestCertificates, startMariaDb } from '../support';

/** The name in the server certificate: what an RDS endpoint looks like. */
export const FAKE_ENDPOINT = 'appdb.c1abcdefghij.eu-west-1.rds.amazonaws.com';

export interface TlsMariaDb {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: 'root';
  readonly password: string;
  /** PEM of the CA that issued the server certificate. */
  readonly caPem: string;
  readonly caFile: string;
  /** Runs SQL as root over the socket file (no TLS, no network): for setup and checks. */
  admin(): Promise<mysql.Connection>;
  stop(): Promise<void>;
}

export async function startTlsMariaDb(): Promise<TlsMariaDb> {
  const certificates = await makeTestCertificates({ names: [FAKE_ENDPOINT, 'localhost', '127.0.0.1'], caName: 'RDS Link Test CA', days: 3 });
  const password = randomBytes(12).toString('hex');
  try {
    const server = await startMariaDb({
      password,
      tls: { certFile: certificates.certFile, keyFile: certificates.keyFile, caFile: certificates.caFile },
      // Like an RDS master user: root logs in from anywhere too (the tunnel arrives from 127.0.0.1).
      users: [{ user: 'root', password }],
    });
    return {
      host: server.host,
      port: server.port,
      user: server.user,
      password,
      caPem: certificates.caPem,
      caFile: certificates.caFile,
      admin: () => mysql.createConnection({ socketPath: server.socketPath, user: 'root', password, multipleStatements: false }),
      async stop() {
        await server.stop();
        certificates.remove();
      },
    };
  } catch (err) {
    certificates.remove();
    throw err;
  }
}
