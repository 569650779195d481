/** The EC2 half of an InstanceCreateApi over the SDK; SSM and IAM come from the caller (see instanceApi.ts). */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeImagesCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  paginateDescribeInstanceTypes,
  waitUntilInstanceStatusOk,
  waitUntilInstanceTerminated,
  type EC2Client,
  type InstanceTypeInfo as SdkInstanceTypeInfo,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { CancelledError, isSignalled, toAbortSignal } from '../../errors';
import { t } from '../../l10n';
import type { InstanceCreateApi } from './instanceApi';
import type { Architecture, InstanceTypeInfo } from './instancePlan';

type Ec2Parts = Pick<
  InstanceCreateApi,
  'describeImageArchitecture' | 'createSecurityGroup' | 'authorizeSshIngress' | 'deleteSecurityGroup' | 'runInstance' | 'waitStatusOk' | 'terminateInstance' | 'waitTerminated'
> & {
  /** Free-tier-eligible types for the architecture (DescribeInstanceTypes, filtered by AWS). */
  listFreeTierTypes(arch: Architecture): Promise<InstanceTypeInfo[]>;
};

const tagList = (tags: Readonly<Record<string, string>>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

export function toInstanceTypeInfo(x: SdkInstanceTypeInfo): InstanceTypeInfo {
  return {
    type: x.InstanceType ?? '',
    architectures: (x.ProcessorInfo?.SupportedArchitectures ?? []).filter((a): a is Architecture => a === 'x86_64' || a === 'arm64'),
    freeTierEligible: x.FreeTierEligible ?? false,
    vcpus: x.VCpuInfo?.DefaultVCpus,
    memoryMiB: x.MemoryInfo?.SizeInMiB,
  };
}

export function createSdkEc2InstanceParts(ec2: EC2Client): Ec2Parts {
  return {
    async listFreeTierTypes(arch) {
      const out: InstanceTypeInfo[] = [];
      const input = { Filters: [{ Name: 'free-tier-eligible', Values: ['true'] }, { Name: 'processor-info.supported-architecture', Values: [arch] }] };
      for await (const page of paginateDescribeInstanceTypes({ client: ec2, pageSize: 100 }, input)) out.push(...(page.InstanceTypes ?? []).map(toInstanceTypeInfo));
      return out;
    },
    async describeImageArchitecture(imageId) {
      const out = await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
      const a = out.Images?.[0]?.Architecture;
      return a === 'x86_64' || a === 'arm64' ? a : undefined;
    },
    async createSecurityGroup(input) {
      const out = await ec2.send(new CreateSecurityGroupCommand({
        GroupName: input.name,
        Description: input.description,
        VpcId: input.vpcId,
        TagSpecifications: [{ ResourceType: 'security-group', Tags: tagList(input.tags) }],
      }));
      if (!out.GroupId) throw new Error(t('EC2 created {0} but returned no id.', input.name));
      return out.GroupId;
    },
    async authorizeSshIngress(groupId, cidrs) {
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: cidrs.map((CidrIp) => ({ CidrIp, Description: 'SSH from the address RDS Link was run from' })) }],
      }));
    },
    async deleteSecurityGroup(groupId) {
      await ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
    },
    async runInstance(input) {
      const out = await ec2.send(new RunInstancesCommand({
        ImageId: input.imageId,
        InstanceType: input.instanceType as _InstanceType,
        MinCount: 1,
        MaxCount: 1,
        SubnetId: input.subnetId,
        SecurityGroupIds: [...input.securityGroupIds],
        ...(input.instanceProfileName ? { IamInstanceProfile: { Name: input.instanceProfileName } } : {}),
        // IMDSv2 only: the careful default for a new instance.
        MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
        TagSpecifications: [{ ResourceType: 'instance', Tags: tagList(input.tags) }, { ResourceType: 'volume', Tags: tagList(input.tags) }],
      }));
      const id = out.Instances?.[0]?.InstanceId;
      if (!id) throw new Error(t('EC2 accepted the launch but returned no instance id.'));
      return id;
    },
    async waitStatusOk(instanceId, options) {
      const minDelay = options.minDelaySeconds ?? 15;
      await waitUntilInstanceStatusOk(
        { client: ec2, maxWaitTime: Math.max(options.maxWaitSeconds ?? 900, minDelay + 1), minDelay, abortSignal: toAbortSignal(options.signal) },
        { InstanceIds: [instanceId] },
      ).catch((err: unknown) => {
        if (isSignalled(options.signal)) throw new CancelledError(t('Stopped waiting for {0}.', instanceId), { cause: err });
        throw err;
      });
      if (isSignalled(options.signal)) throw new CancelledError(t('Stopped waiting for {0}.', instanceId));
    },
    async terminateInstance(instanceId) {
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
    },
    async waitTerminated(instanceId, options) {
      const minDelay = options.minDelaySeconds ?? 15;
      await waitUntilInstanceTerminated({ client: ec2, maxWaitTime: Math.max(options.maxWaitSeconds ?? 600, minDelay + 1), minDelay }, { InstanceIds: [instanceId] });
    },
  };
}
