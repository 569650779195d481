import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

/** IAM prefixes of the SDK client packages the extension uses. */
const prefixes: Record<string, string> = {
  '@aws-sdk/client-ec2': 'ec2',
  '@aws-sdk/client-rds': 'rds',
  '@aws-sdk/client-sts': 'sts',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-ec2-instance-connect': 'ec2-instance-connect',
  '@aws-sdk/client-elastic-load-balancing-v2': 'elasticloadbalancing',
  '@aws-sdk/client-ssm': 'ssm',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-iam': 'iam',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
};

/**
 * Permissions the policy needs that are no SDK command of ours: an IAM auth token is used with rds-db:connect; RDS checks the rest behind
 * the Blue/Green calls, and the managed master secret behind CreateDBInstance; Reachability
 * Analyzer runs its queries with the tiros: actions; the EICE tunnel is signed for OpenTunnel.
 */
const notCommands = new Set([
  'rds-db:connect',
  // CreateDBInstance with ManageMasterUserPassword: RDS makes the secret with the caller's rights.
  'secretsmanager:CreateSecret', 'secretsmanager:TagResource', 'secretsmanager:RotateSecret',
  // What the SDK waiters poll: waitUntilInstanceStatusOk.
  'ec2:DescribeInstanceStatus',
  'rds:AddTagsToResource', 'rds:CreateDBInstanceReadReplica', 'rds:CreateDBCluster',
  'rds:PromoteReadReplica', 'rds:PromoteReadReplicaDBCluster', 'rds:DeleteDBCluster',
  // RunInstances with an instance profile passes its role; tags given at creation need the Tag* rights.
  'iam:PassRole', 'iam:TagRole', 'iam:TagInstanceProfile',
  'tiros:CreateQuery', 'tiros:GetQueryAnswer', 'tiros:GetQueryExplanation',
  // The EICE tunnel is a presigned websocket (src/core/instance/eice/presign.ts), no SDK command.
  'ec2-instance-connect:OpenTunnel',
  // CreateInstanceConnectEndpoint: AWS makes the endpoint's network interface (and, once per
  // account, its service-linked role) with the caller's rights.
  'ec2:CreateNetworkInterface', 'iam:CreateServiceLinkedRole',
]);

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every `XxxCommand` and `paginateXxx` imported from an SDK client in src/, as an IAM action. */
function actionsUsedInSource(): Set<string> {
  const actions = new Set<string>();
  for (const file of walk(path.join(root, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g)) {
      const prefix = prefixes[m[2]];
      assert.ok(prefix, `${path.relative(root, file)} imports ${m[2]}: add its IAM prefix to this test and the policy`);
      for (const raw of m[1].split(',')) {
        const name = raw.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0];
        const command = /^([A-Z]\w+)Command$/.exec(name)?.[1] ?? /^paginate([A-Z]\w+)$/.exec(name)?.[1];
        // Only what is called: a Command class or paginator used in the file's code.
        if (command && new RegExp(`(new ${name}\\(|${name}\\()`).test(text)) actions.add(`${prefix}:${command}`);
      }
    }
  }
  return actions;
}

function policyActions(): string[] {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const block = /<!-- iam-policy:start -->\s*```json\n([\s\S]*?)```\s*<!-- iam-policy:end -->/.exec(readme);
  assert.ok(block, 'README has the IAM policy between its markers');
  const policy = JSON.parse(block[1]) as { Statement: { Action: string[] }[] };
  return policy.Statement.flatMap((s) => s.Action);
}

describe('the README IAM policy', () => {
  it('allows every AWS call the extension makes', () => {
    const used = actionsUsedInSource();
    assert.ok(used.size > 20, `found only ${used.size} calls`);
    const allowed = new Set(policyActions());
    assert.deepEqual([...used].filter((a) => !allowed.has(a)).sort(), []);
  });

  it('allows nothing else, except the documented permissions behind the calls', () => {
    const used = actionsUsedInSource();
    const extra = policyActions().filter((a) => !used.has(a) && !notCommands.has(a));
    assert.deepEqual(extra, []);
  });

  it('lists each action once', () => {
    const actions = policyActions();
    assert.equal(new Set(actions).size, actions.length);
  });
});
