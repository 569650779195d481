import * as assert from 'node:assert/strict';
import { blueGreenRefusal, dbRefusal, pairRefusal } from '../../../src/core/aws/capabilities';
import { deployment, sourceDb } from '../blueGreen/builders';
import { planLink } from '../../../src/core/aws/link/planner';
import { db, instance, OTHER_VPC, REGION } from '../link/builders';

describe('capabilities: one rule for what can be linked and what needs the MySQL family', function () {
  const postgres = db({ id: 'billing', engine: 'postgres', endpoint: { address: 'billing.x.rds.amazonaws.com', port: 5432 } });

  it('links every engine: a PostgreSQL DB has no link refusal, and the planner plans its pair on 5432', function () {
    assert.equal(dbRefusal(postgres, 'link'), undefined);
    assert.equal(pairRefusal(instance(), postgres, postgres.vpcId, true), undefined);
    const plan = planLink({ instance: instance(), db: postgres, groups: [] });
    assert.equal(plan.status, 'ready', plan.refusal?.message);
    assert.equal(plan.port, 5432);
  });

  it('keeps schema, shell and quick-fix to the MySQL family, and says so per feature', function () {
    for (const feature of ['schema', 'shell', 'quickFix'] as const) {
      const r = dbRefusal(postgres, feature);
      assert.equal(r?.code, 'notMysql');
      assert.match(r?.message ?? '', /billing runs postgres\. .*MySQL, MariaDB and Aurora MySQL only/);
    }
    assert.equal(dbRefusal(db(), 'schema'), undefined);
  });

  it('refuses a DB without an endpoint for every feature, since its port is unknown', function () {
    const creating = db({ endpoint: undefined, status: 'creating' });
    for (const feature of ['link', 'schema', 'shell', 'quickFix'] as const) assert.equal(dbRefusal(creating, feature)?.code, 'noEndpoint');
  });

  it('names why an instance cannot be linked: another VPC, terminated, another region', function () {
    const other = instance({ id: 'i-other', vpcId: OTHER_VPC });
    assert.equal(pairRefusal(other, db(), db().vpcId, false)?.code, 'differentVpc');
    assert.match(pairRefusal(other, db(), db().vpcId, false)?.message ?? '', /vpc-other .*only within one VPC/);
    assert.equal(pairRefusal(instance({ state: 'terminated' }), db(), db().vpcId, false)?.code, 'instanceGone');
    assert.equal(pairRefusal(instance({ region: 'us-west-2' }), db(), db().vpcId, false)?.code, 'otherRegion');
    assert.equal(REGION, db().region);
  });

  it('lets a picker offer a DB whose VPC the listing does not know, and the planner refuse it', function () {
    const noVpc = db({ vpcId: undefined });
    assert.equal(pairRefusal(instance(), noVpc, undefined, false), undefined);
    assert.equal(pairRefusal(instance(), noVpc, undefined, true)?.code, 'missingVpc');
  });

  it('gives the planner and the pickers the same words for the same refusal', function () {
    const other = instance({ id: 'i-other', vpcId: OTHER_VPC });
    const plan = planLink({ instance: other, db: db(), groups: [] });
    assert.equal(plan.status, 'refused');
    assert.equal(plan.refusal?.message, pairRefusal(other, db(), db().vpcId, true)?.message);
  });

  it('offers Create Blue/Green only where its preflight would not refuse at once, and says why', function () {
    assert.equal(blueGreenRefusal(sourceDb(), []), undefined);
    const managed = blueGreenRefusal(sourceDb({ masterUserSecretArn: 'arn:aws:secretsmanager:us-east-1:1:secret:x' }), []);
    assert.equal(managed?.code, 'managedMasterPassword');
    assert.match(managed?.message ?? '', /managed in AWS Secrets Manager/);
    assert.equal(blueGreenRefusal(sourceDb({ backupRetentionPeriod: 0 }), [])?.code, 'backupsOff');
    const green = sourceDb({ id: 'shop-db-green-abcdef', arn: deployment().targetArn });
    const asGreen = blueGreenRefusal(green, [deployment()]);
    assert.equal(asGreen?.code, 'inDeployment');
    assert.match(asGreen?.message ?? '', /green side of Blue\/Green deployment shop-upgrade/);
  });
});
