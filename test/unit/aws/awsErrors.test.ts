import * as assert from 'node:assert/strict';
import { DescribeInstanceConnectEndpointsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { EC2InstanceConnectClient, SendSSHPublicKeyCommand } from '@aws-sdk/client-ec2-instance-connect';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { awsErrorCode, classifyAwsError, isAccessDenied, isAmbiguousFailure, isCredentialsRejected } from '../../../src/core/aws/awsErrors';
import { fetchManagedSecret } from '../../../src/core/db/credentials';
import { listInstanceConnectEndpoints } from '../../../src/core/instance/eice/endpoints';
import { readConsoleEvidence } from '../../../src/core/instance/hostKeys';
import { sendSshPublicKey } from '../../../src/core/instance/instanceConnect';

const config = { region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxAttempts: 1 };

/** How the SDK hands a refusal over: the code in `name`, the HTTP status in `$metadata`. */
function denied(code: string): Error {
  return Object.assign(new Error(`User: arn:aws:iam::123456789012:user/dev is not authorized (${code})`), { name: code, $metadata: { httpStatusCode: 403 } });
}

/** The access-denied codes of the query (EC2, RDS) and JSON (Instance Connect, Secrets Manager) services. */
const DENIED = ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation'];

describe('AWS errors: one home for codes and "access denied"', () => {
  it('reads the code where SDK errors put it (Code, name, code)', () => {
    assert.equal(awsErrorCode(Object.assign(new Error('x'), { name: 'InvalidGroup.NotFound' })), 'InvalidGroup.NotFound');
    assert.equal(awsErrorCode({ Code: 'DependencyViolation', name: 'Error' }), 'DependencyViolation');
    assert.equal(awsErrorCode({ code: 'ECONNRESET' }), 'ECONNRESET');
    assert.equal(awsErrorCode(undefined), '');
  });

  it('tells a missing permission from credentials AWS does not accept; the views show both as access denied', () => {
    for (const code of DENIED) {
      assert.ok(isAccessDenied(denied(code)), code);
      assert.ok(isAccessDenied({ Code: code }), `${code} in Code`);
      assert.equal(classifyAwsError(denied(code), 'ec2:DescribeInstances', 'p').kind, 'accessDenied', code);
      assert.ok(!isAmbiguousFailure(denied(code)), `${code} is a clear no`);
    }
    for (const code of ['AuthFailure', 'InvalidClientTokenId', 'SignatureDoesNotMatch']) {
      assert.ok(isCredentialsRejected(denied(code)), code);
      assert.ok(!isAccessDenied(denied(code)), `${code} is not a missing permission`);
      assert.equal(classifyAwsError(denied(code), 'ec2:DescribeInstances', 'p').kind, 'accessDenied', code);
    }
    assert.ok(!isAccessDenied(Object.assign(new Error('x'), { name: 'InvalidGroup.NotFound' })));
  });

  describe('every caller names the missing permission for each access-denied code', () => {
    for (const code of DENIED) {
      it(code, async () => {
        const ec2 = new EC2Client(config);
        mockClient(ec2).on(DescribeInstanceConnectEndpointsCommand).rejects(denied(code));
        await assert.rejects(listInstanceConnectEndpoints(ec2, 'vpc-1'), (e: Error) => /access denied: it needs ec2:DescribeInstanceConnectEndpoints/.test(e.message));

        const eic = new EC2InstanceConnectClient(config);
        mockClient(eic).on(SendSSHPublicKeyCommand).rejects(denied(code));
        const push = sendSshPublicKey(eic, { instanceId: 'i-1', osUser: 'ec2-user', publicKey: 'ssh-ed25519 AAAA' });
        await assert.rejects(push, (e: Error) => /access denied: it needs ec2-instance-connect:SendSSHPublicKey/.test(e.message));

        const secrets = new SecretsManagerClient(config);
        mockClient(secrets).on(GetSecretValueCommand).rejects(denied(code));
        await assert.rejects(fetchManagedSecret(secrets, 'arn:aws:secretsmanager:eu-west-1:1:secret:x'), (e: Error) => /access denied: it needs secretsmanager:GetSecretValue/.test(e.message));

        const evidence = await readConsoleEvidence({ store: { get: () => undefined, remember: () => undefined }, consoleOutput: () => Promise.reject(denied(code)) }, 'i-1');
        assert.ok(evidence.kind === 'unavailable' && /needs ec2:GetConsoleOutput/.test(evidence.reason), JSON.stringify(evidence));
      });
    }
  });
});
