/**
 * The whole InstanceCreateApi over the SDK: the EC2 half (sdkEc2InstanceParts.ts), the public
 * SSM parameter of the AMI, and the IAM role and instance profile for SSM; plus the reads the
 * wizard needs before a plan (VPCs, group names, what of the instance profile exists).
 */
import { paginateDescribeSecurityGroups, paginateDescribeVpcs, type EC2Client } from '@aws-sdk/client-ec2';
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  DeleteInstanceProfileCommand,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  GetInstanceProfileCommand,
  GetRoleCommand,
  RemoveRoleFromInstanceProfileCommand,
  paginateListAttachedRolePolicies,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { t } from '../../l10n';
import { awsErrorCode } from '../awsErrors';
import type { InstanceCreateApi } from './instanceApi';
import { SSM_POLICY_ARN, SSM_ROLE_NAME, type Architecture, type InstanceTypeInfo, type ProfileState } from './instancePlan';
import { createSdkEc2InstanceParts } from './sdkEc2InstanceParts';

/** What EC2 may assume the role for: instances only. */
export const EC2_ASSUME_ROLE_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

export interface VpcInfo {
  readonly id: string;
  readonly name?: string;
  readonly cidr?: string;
  readonly isDefault: boolean;
}

/** The reads of the wizard, before a plan. */
export interface InstanceCreateReads {
  listVpcs(): Promise<VpcInfo[]>;
  listFreeTierTypes(arch: Architecture): Promise<InstanceTypeInfo[]>;
  listGroupNames(vpcId: string): Promise<string[]>;
  /** What of role and instance profile SSM_ROLE_NAME exists, and whether the policy is on the role. */
  readProfileState(): Promise<ProfileState>;
}

const tagList = (tags: Readonly<Record<string, string>>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** undefined when IAM says NoSuchEntity. */
async function unlessMissing<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (awsErrorCode(err) === 'NoSuchEntity' || awsErrorCode(err) === 'NoSuchEntityException') return undefined;
    throw err;
  }
}

async function readProfileState(iam: IAMClient): Promise<ProfileState> {
  const role = await unlessMissing(() => iam.send(new GetRoleCommand({ RoleName: SSM_ROLE_NAME })));
  let policyAttached = false;
  if (role) {
    for await (const page of paginateListAttachedRolePolicies({ client: iam, pageSize: 100 }, { RoleName: SSM_ROLE_NAME })) {
      if ((page.AttachedPolicies ?? []).some((p) => p.PolicyArn === SSM_POLICY_ARN)) policyAttached = true;
    }
  }
  const profile = await unlessMissing(() => iam.send(new GetInstanceProfileCommand({ InstanceProfileName: SSM_ROLE_NAME })));
  return {
    roleExists: !!role,
    policyAttached,
    profileExists: !!profile,
    roleInProfile: (profile?.InstanceProfile?.Roles ?? []).some((r) => r.RoleName === SSM_ROLE_NAME),
  };
}

function iamParts(iam: IAMClient): Pick<InstanceCreateApi, 'createRole' | 'attachRolePolicy' | 'createInstanceProfile' | 'addRoleToInstanceProfile' | 'removeRoleFromInstanceProfile' | 'deleteInstanceProfile' | 'detachRolePolicy' | 'deleteRole'> {
  return {
    async createRole(name, tags) {
      await iam.send(new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: EC2_ASSUME_ROLE_POLICY,
        Description: 'Lets EC2 instances made by RDS Link use SSM (AmazonSSMManagedInstanceCore)',
        Tags: tagList(tags),
      }));
    },
    async attachRolePolicy(roleName, policyArn) {
      await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn }));
    },
    async createInstanceProfile(name, tags) {
      await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name, Tags: tagList(tags) }));
    },
    async addRoleToInstanceProfile(profileName, roleName) {
      await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: profileName, RoleName: roleName }));
    },
    async removeRoleFromInstanceProfile(profileName, roleName) {
      await iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: profileName, RoleName: roleName }));
    },
    async deleteInstanceProfile(name) {
      await iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: name }));
    },
    async detachRolePolicy(roleName, policyArn) {
      await iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn }));
    },
    async deleteRole(name) {
      await iam.send(new DeleteRoleCommand({ RoleName: name }));
    },
  };
}

export function createSdkInstanceCreateApi(ec2: EC2Client, ssm: SSMClient, iam: IAMClient): InstanceCreateApi & InstanceCreateReads {
  return {
    ...createSdkEc2InstanceParts(ec2),
    ...iamParts(iam),
    async readParameter(name) {
      const out = await ssm.send(new GetParameterCommand({ Name: name }));
      const value = out.Parameter?.Value;
      if (!value) throw new Error(t('SSM parameter {0} has no value.', name));
      return value;
    },
    async listVpcs() {
      const out: VpcInfo[] = [];
      for await (const page of paginateDescribeVpcs({ client: ec2, pageSize: 100 }, {})) {
        for (const v of page.Vpcs ?? []) {
          if (v.VpcId) out.push({ id: v.VpcId, name: v.Tags?.find((x) => x.Key === 'Name')?.Value, cidr: v.CidrBlock, isDefault: v.IsDefault ?? false });
        }
      }
      return out;
    },
    async listGroupNames(vpcId) {
      const names: string[] = [];
      for await (const page of paginateDescribeSecurityGroups({ client: ec2, pageSize: 1000 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })) {
        names.push(...(page.SecurityGroups ?? []).map((g) => g.GroupName ?? '').filter(Boolean));
      }
      return names;
    },
    readProfileState: () => readProfileState(iam),
  };
}
