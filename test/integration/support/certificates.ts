// A throw-away CA and one server certificate issued by it, made with openssl in a temp dir: the
// sandbox's stand-in for the RDS certificate authority, so that TLS to the stand-in DB is verified
// exactly as it is against RDS (chain and host name), with the CA trusted on top of the RDS bundle.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { ensureCommand } from './debian';
import { makeTempDir, removeTempDir, runCommand } from './processes';

export interface TestCertificates {
  /** The folder holding every file below (mode 0755: mariadbd may run as another user). */
  readonly dir: string;
  /** PEM of the CA: what `rdsLink.tls.extraCaFile` points at. */
  readonly caFile: string;
  readonly caPem: string;
  /** The server certificate (PEM) and its unencrypted key. */
  readonly certFile: string;
  readonly keyFile: string;
  /** The names in the certificate's subjectAltName, as given. */
  readonly names: readonly string[];
  /** Deletes the folder (CA key included). */
  remove(): void;
}

export interface MakeCertificatesOptions {
  /** DNS names (wildcards like `*.aaaaaaaaaa.us-east-1.rds.amazonaws.com` allowed) and IP addresses. */
  readonly names: readonly string[];
  /** The CA's common name; default "RDS Link Sandbox CA". */
  readonly caName?: string;
  /** Validity in days; default 30. */
  readonly days?: number;
}

/** An ECDSA P-256 CA (CA:TRUE, keyCertSign) and a serverAuth certificate for `names`. */
export async function makeTestCertificates(options: MakeCertificatesOptions): Promise<TestCertificates> {
  if (options.names.length === 0) throw new Error('makeTestCertificates: give at least one name for the server certificate.');
  const openssl = await ensureCommand('openssl', 'openssl');
  const dir = makeTempDir('rds-link-certs-');
  fs.chmodSync(dir, 0o755);
  const file = (n: string) => path.join(dir, n);
  const days = String(options.days ?? 30);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const san = options.names.map((n) => (net.isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  // The first DNS name is also the subject CN, for clients that still look there.
  const cn = options.names.find((n) => !net.isIP(n)) ?? options.names[0];
  try {
    await runCommand(openssl, ['req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', days, '-subj', `/CN=${options.caName ?? 'RDS Link Sandbox CA'}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    await runCommand(openssl, ['req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', `/CN=${cn}`]);
    fs.writeFileSync(file('ext.cnf'), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n`);
    await runCommand(openssl, ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial',
      '-out', file('server.crt'), '-days', days, '-extfile', file('ext.cnf')]);
    for (const f of ['server.key', 'server.crt', 'ca.crt']) fs.chmodSync(file(f), 0o644);
    fs.chmodSync(file('ca.key'), 0o600);
  } catch (err) {
    removeTempDir(dir);
    throw err;
  }
  return {
    dir,
    caFile: file('ca.crt'),
    caPem: fs.readFileSync(file('ca.crt'), 'utf8'),
    certFile: file('server.crt'),
    keyFile: file('server.key'),
    names: [...options.names],
    remove: () => removeTempDir(dir),
  };
}
