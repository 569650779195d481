import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OrderableDBInstanceOption } from '@aws-sdk/client-rds';
import {
  FALLBACK_DB_CLASSES,
  dbIdentifierProblem,
  defaultDbClass,
  freeTierVerdict,
  masterUsernameProblem,
  orderableClasses,
  subnetGroupNameProblem,
  toEngineVersionOptions,
} from '../../../src/core/aws/create';

const fixtures = path.resolve(__dirname, '../../../../test/fixtures/aws');
const fixture = <T>(name: string): T => JSON.parse(fs.readFileSync(path.join(fixtures, name), 'utf8')) as T;

describe('create: RDS rules', () => {
  it('accepts identifiers RDS accepts', () => {
    for (const id of ['a', 'goapp-db', 'GoApp-DB-2', 'x'.repeat(63)]) assert.equal(dbIdentifierProblem(id), undefined, id);
  });

  it('refuses identifiers RDS refuses, saying which rule', () => {
    const cases: [string, RegExp][] = [
      ['', /Enter/],
      ['x'.repeat(64), /64 characters.*63/],
      ['1db', /start with a letter/],
      ['-db', /start with a letter/],
      ['go_app', /letters, digits and hyphens/],
      ['go app', /letters, digits and hyphens/],
      ['goapp-', /end with a hyphen/],
      ['go--app', /two hyphens/],
    ];
    for (const [id, why] of cases) assert.match(dbIdentifierProblem(id) ?? 'accepted', why, id);
  });

  it('checks master user and subnet group names', () => {
    assert.equal(masterUsernameProblem('admin'), undefined);
    assert.equal(masterUsernameProblem('app_admin1'), undefined);
    assert.match(masterUsernameProblem('1admin') ?? '', /starting with a letter/);
    assert.match(masterUsernameProblem('a'.repeat(17)) ?? '', /1 to 16/);
    assert.match(masterUsernameProblem('rdsadmin') ?? '', /reserved/);
    assert.equal(subnetGroupNameProblem('rds-link-vpc-1'), undefined);
    assert.match(subnetGroupNameProblem('default') ?? '', /not a valid/);
  });

  it('defaults to db.t4g.micro from a recorded DescribeOrderableDBInstanceOptions answer', () => {
    const out = fixture<{ OrderableDBInstanceOptions: OrderableDBInstanceOption[] }>('describe-orderable-db-instance-options-mysql-8.0.39.json');
    const classes = orderableClasses(out.OrderableDBInstanceOptions, 'gp3');
    // db.t2.micro is listed on magnetic storage only: not a gp3 choice.
    assert.ok(!classes.includes('db.t2.micro'));
    assert.equal(new Set(classes).size, classes.length);
    assert.equal(classes.length, 12);
    assert.equal(defaultDbClass(classes), 'db.t4g.micro');
  });

  it('defaults to the smallest burstable class where db.t4g is not offered', () => {
    const out = fixture<{ OrderableDBInstanceOptions: OrderableDBInstanceOption[] }>('describe-orderable-db-instance-options-mysql-no-graviton.json');
    const classes = orderableClasses(out.OrderableDBInstanceOptions, 'gp3');
    assert.ok(!classes.some((c) => c.startsWith('db.t4g')));
    assert.equal(defaultDbClass(classes), 'db.t3.micro');
    assert.equal(defaultDbClass(['db.r6g.xlarge', 'db.m5.2xlarge', 'db.m5.large']), 'db.m5.large');
    assert.equal(defaultDbClass([]), undefined);
  });

  it('has a fallback class list whose default is the free tier class', () => {
    assert.ok(FALLBACK_DB_CLASSES.length > 5);
    assert.equal(defaultDbClass(FALLBACK_DB_CLASSES), 'db.t4g.micro');
  });

  it('maps DescribeDBEngineVersions: available only, newest first, the default marked', () => {
    const all = fixture<{ DBEngineVersions: { EngineVersion: string }[] }>('describe-db-engine-versions-mysql.json');
    const def = fixture<{ DBEngineVersions: { EngineVersion: string }[] }>('describe-db-engine-versions-mysql-default.json');
    const options = toEngineVersionOptions('mysql', all.DBEngineVersions, def.DBEngineVersions[0].EngineVersion);
    assert.deepEqual(options.map((o) => o.version), ['8.4.4', '8.4.3', '8.0.41', '8.0.40', '8.0.39']);
    assert.deepEqual(options.filter((o) => o.isDefault).map((o) => o.version), ['8.0.41']);
  });

  it('says in words whether the shape is free tier eligible', () => {
    const free = freeTierVerdict('db.t4g.micro', 20);
    assert.equal(free.eligible, true);
    assert.match(free.words, /^Free tier eligible/);
    const big = freeTierVerdict('db.m5.large', 20);
    assert.equal(big.eligible, false);
    assert.match(big.words, /^Not free tier eligible \(db\.m5\.large is not a free tier class\)/);
    assert.match(freeTierVerdict('db.t3.micro', 100).words, /100 GiB is more than/);
    assert.match(freeTierVerdict('db.t3.micro', 20, true).words, /Multi-AZ/);
  });
});
