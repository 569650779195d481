/**
 * EC2 Instance Connect's SendSSHPublicKey: the instance accepts a public key for the given OS
 * user for 60 seconds, long enough for one SSH login.
 */
import { SendSSHPublicKeyCommand, type EC2InstanceConnectClient } from '@aws-sdk/client-ec2-instance-connect';
import { awsErrorCode, isAccessDenied } from '../aws/awsErrors';
import { t } from '../l10n';

export interface KeyPushRequest {
  readonly instanceId: string;
  readonly osUser: string;
  /** `ssh-ed25519 AAAA…` */
  readonly publicKey: string;
  readonly availabilityZone?: string;
}

/** SendSSHPublicKey failed: the SSH login was never possible. */
export class KeyPushError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyPushError';
  }
}

/** EC2 Instance Connect SendSSHPublicKey: the instance accepts the key for 60 seconds. */
export async function sendSshPublicKey(client: EC2InstanceConnectClient, req: KeyPushRequest): Promise<void> {
  let success: boolean | undefined;
  try {
    const out = await client.send(
      new SendSSHPublicKeyCommand({
        InstanceId: req.instanceId,
        InstanceOSUser: req.osUser,
        SSHPublicKey: req.publicKey,
        ...(req.availabilityZone ? { AvailabilityZone: req.availabilityZone } : {}),
      }),
    );
    success = out.Success;
  } catch (err) {
    const code = awsErrorCode(err);
    const why =
      isAccessDenied(err)
        ? t('access denied: it needs ec2-instance-connect:SendSSHPublicKey on the instance')
        : code === 'EC2InstanceStateInvalidException'
          ? t('the instance is not running')
          : code === 'EC2InstanceNotFoundException'
            ? t('the instance was not found')
            : code === 'EC2InstanceUnavailableException'
              ? t('the instance is not available to EC2 Instance Connect')
              : (err as Error).message;
    throw new KeyPushError(t('EC2 Instance Connect could not send the SSH key to {0}: {1}', req.instanceId, why), { cause: err });
  }
  if (success === false) throw new KeyPushError(t('EC2 Instance Connect did not accept the SSH key for {0}.', req.instanceId));
}
