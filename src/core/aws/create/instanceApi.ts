/**
 * The calls a new instance needs. The EC2 ones have an SDK implementation
 * (createSdkEc2InstanceParts); reading the public SSM parameter and the IAM calls need
 * @aws-sdk/client-ssm and @aws-sdk/client-iam, which are not dependencies yet, so the caller
 * supplies them.
 */
import type { CancelSignal } from '../../errors';
import type { Architecture } from './instancePlan';

export interface NewInstanceInput {
  readonly imageId: string;
  readonly instanceType: string;
  readonly subnetId: string;
  readonly securityGroupIds: readonly string[];
  readonly instanceProfileName?: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface InstanceCreateApi {
  /** SSM GetParameter of a public parameter (the AMI id). */
  readParameter(name: string): Promise<string>;
  /** The AMI's architecture, undefined when EC2 does not know the image. */
  describeImageArchitecture(imageId: string): Promise<Architecture | undefined>;

  createSecurityGroup(input: { readonly name: string; readonly description: string; readonly vpcId: string; readonly tags: Readonly<Record<string, string>> }): Promise<string>;
  authorizeSshIngress(groupId: string, cidrs: readonly string[]): Promise<void>;
  deleteSecurityGroup(groupId: string): Promise<void>;

  createRole(name: string, tags: Readonly<Record<string, string>>): Promise<void>;
  attachRolePolicy(roleName: string, policyArn: string): Promise<void>;
  createInstanceProfile(name: string, tags: Readonly<Record<string, string>>): Promise<void>;
  addRoleToInstanceProfile(profileName: string, roleName: string): Promise<void>;
  removeRoleFromInstanceProfile(profileName: string, roleName: string): Promise<void>;
  deleteInstanceProfile(name: string): Promise<void>;
  detachRolePolicy(roleName: string, policyArn: string): Promise<void>;
  deleteRole(name: string): Promise<void>;

  runInstance(input: NewInstanceInput): Promise<string>;
  /** Resolves at status checks OK (waitUntilInstanceStatusOk); CancelledError when `signal` fires. */
  waitStatusOk(instanceId: string, options: { readonly signal?: CancelSignal | AbortSignal; readonly maxWaitSeconds?: number; readonly minDelaySeconds?: number }): Promise<void>;
  terminateInstance(instanceId: string): Promise<void>;
  /** Until terminated: its security group can be deleted only then. */
  waitTerminated(instanceId: string, options: { readonly maxWaitSeconds?: number; readonly minDelaySeconds?: number }): Promise<void>;
}
