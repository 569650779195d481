import * as assert from 'node:assert/strict';
import { CreateSecurityGroupCommand, DescribeSecurityGroupsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startMoto, type MotoServer } from '../support/moto';

const AWS_VARS = ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE'];

describe('smoke: moto server', () => {
  let moto: MotoServer | undefined;
  const saved = new Map<string, string | undefined>();

  before(async () => {
    for (const name of AWS_VARS) saved.set(name, process.env[name]);
    const t0 = Date.now();
    moto = await startMoto();
    console.log(`      moto started on ${moto.endpoint} in ${Date.now() - t0} ms`);
    process.env.AWS_ENDPOINT_URL = moto.endpoint;
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    process.env.AWS_REGION = 'us-east-1';
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_DEFAULT_REGION;
    delete process.env.AWS_PROFILE;
  });

  after(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await moto?.stop();
  });

  it('answers STS GetCallerIdentity with moto’s default account through AWS_ENDPOINT_URL', async () => {
    const sts = new STSClient({ region: 'us-east-1' });
    try {
      const me = await sts.send(new GetCallerIdentityCommand({}));
      assert.equal(me.Account, '123456789012');
    } finally {
      sts.destroy();
    }
  });

  it('has a default VPC in EC2 DescribeVpcs', async () => {
    const ec2 = new EC2Client({ region: 'us-east-1' });
    try {
      const out = await ec2.send(new DescribeVpcsCommand({}));
      assert.ok(out.Vpcs?.some((v) => v.IsDefault === true), `no default VPC in ${JSON.stringify(out.Vpcs)}`);
    } finally {
      ec2.destroy();
    }
  });

  it('forgets created resources on reset()', async () => {
    const ec2 = new EC2Client({ region: 'us-east-1' });
    const byName = new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['rds-link-smoke'] }] });
    try {
      const created = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'rds-link-smoke', Description: 'smoke test' }));
      assert.match(created.GroupId ?? '', /^sg-/);
      assert.equal((await ec2.send(byName)).SecurityGroups?.length, 1);
      await moto!.reset();
      assert.equal((await ec2.send(byName)).SecurityGroups?.length ?? 0, 0);
    } finally {
      ec2.destroy();
    }
  });
});
