/**
 * The servers behind the sandbox account's RDS endpoints: one MariaDB (TLS with a throw-away CA,
 * certificate issued to the sandbox's RDS endpoint names, master user as moto's managed secret
 * has it) and the SSH stand-in for the instances, which forwards the endpoint names to it.
 *
 * The extension reaches them only through settings it documents for everyone:
 * `rdsLink.ssh.hostOverride` (SSH goes to the stand-in instead of the instance's IP) and
 * `rdsLink.tls.extraCaFile` (the sandbox CA is trusted besides the RDS bundle; verification of the
 * chain and the endpoint name stays on). The endpoint names do not resolve, so the route chosen
 * for a DB is the SSH tunnel through a linked running instance, as for a private RDS.
 * Used by `npm start` and the full-flow e2e test.
 */
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { makeTestCertificates, startMariaDb, startSandboxSsh, type MariaDbServer, type SandboxSsh, type TestCertificates } from '../support';
import { clientConfig, SANDBOX_REGIONS } from './sandbox';

/** What moto puts in every RDS-managed master secret (moto/rds/models.py). */
export const SANDBOX_MASTER_USER = 'admin';
export const SANDBOX_MASTER_PASSWORD = 'P@55w0rd!';

const MYSQL_FAMILY = new Set(['mysql', 'mariadb', 'aurora-mysql']);

export interface SandboxEndpoint {
  readonly id: string;
  readonly region: string;
  readonly host: string;
  readonly port: number;
}

/** The endpoints (instances, cluster writer and reader) of the MySQL-family DBs in moto. */
export async function listSandboxMysqlEndpoints(motoEndpoint: string, regions: readonly string[] = SANDBOX_REGIONS): Promise<SandboxEndpoint[]> {
  const found: SandboxEndpoint[] = [];
  for (const region of regions) {
    const rds = new RDSClient(clientConfig(motoEndpoint, region));
    try {
      for (const db of (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []) {
        if (MYSQL_FAMILY.has(db.Engine ?? '') && db.Endpoint?.Address) found.push({ id: db.DBInstanceIdentifier ?? '', region, host: db.Endpoint.Address, port: db.Endpoint.Port ?? 3306 });
      }
      for (const c of (await rds.send(new DescribeDBClustersCommand({}))).DBClusters ?? []) {
        if (!MYSQL_FAMILY.has(c.Engine ?? '')) continue;
        for (const host of [c.Endpoint, c.ReaderEndpoint]) if (host) found.push({ id: c.DBClusterIdentifier ?? '', region, host, port: c.Port ?? 3306 });
      }
    } finally {
      rds.destroy();
    }
  }
  return found;
}

export interface SandboxDatabase {
  readonly maria: MariaDbServer;
  readonly ssh: SandboxSsh;
  readonly certificates: TestCertificates;
  readonly endpoints: readonly SandboxEndpoint[];
  /** The documented settings that point the extension at these servers. */
  readonly settings: { readonly 'rdsLink.ssh.hostOverride': string; readonly 'rdsLink.tls.extraCaFile': string };
  stop(): Promise<void>;
}

/** Starts the TLS MariaDB and the SSH stand-in for the MySQL-family DBs seeded in moto. */
export async function startSandboxDatabase(motoEndpoint: string): Promise<SandboxDatabase> {
  const endpoints = await listSandboxMysqlEndpoints(motoEndpoint);
  if (endpoints.length === 0) throw new Error('the sandbox account has no MySQL-family DB (seed it first)');
  const regions = [...new Set(endpoints.map((e) => e.region))];
  // Like an RDS server certificate: the endpoint itself and the wildcard of its DNS zone.
  const names = [...new Set([...regions.map((r) => `*.aaaaaaaaaa.${r}.rds.amazonaws.com`), ...endpoints.map((e) => e.host)])];
  const certificates = await makeTestCertificates({ names });
  let maria: MariaDbServer | undefined;
  try {
    maria = await startMariaDb({
      tls: { certFile: certificates.certFile, keyFile: certificates.keyFile, caFile: certificates.caFile },
      users: [{ user: SANDBOX_MASTER_USER, password: SANDBOX_MASTER_PASSWORD }],
    });
    const ssh = await startSandboxSsh({ endpoints: endpoints.map((e) => `${e.host}:${e.port}`), target: { host: maria.host, port: maria.port } });
    const db = maria;
    return {
      maria: db,
      ssh,
      certificates,
      endpoints,
      settings: { 'rdsLink.ssh.hostOverride': ssh.hostOverride, 'rdsLink.tls.extraCaFile': certificates.caFile },
      async stop() {
        await ssh.stop();
        await db.stop();
        certificates.remove();
      },
    };
  } catch (err) {
    await maria?.stop();
    certificates.remove();
    throw err;
  }
}
