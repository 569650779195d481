/**
 * The sandbox's goapp-web and goapp-db in moto, each given a group of its own (so nothing but a
 * link lets them talk), for the diagnosis test and its benchmark.
 */
import { CreateSecurityGroupCommand, DescribeInstancesCommand, EC2Client, ModifyNetworkInterfaceAttributeCommand, RevokeSecurityGroupIngressCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { ModifyDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { applyPlan, createSdkLinkApi, prepareLink } from '../../../src/core/aws/link';
import { AwsSession, type CallInfo } from '../../../src/core/aws/session';
import { readDiagnosisState, type Resolve } from '../../../src/core/diagnose/reads';
import { diagnose } from '../../../src/core/diagnose/evaluate';
import type { Diagnosis } from '../../../src/core/diagnose/types';
import { clientConfig, seedSandbox, type SandboxIds } from '../aws/sandbox';

export const REGION = 'us-east-1';
export const DB = { kind: 'instance' as const, id: 'goapp-db' };

export interface Scenario {
  readonly ids: SandboxIds;
  readonly web: string;
  readonly ec2: EC2Client;
  readonly rds: RDSClient;
  dispose(): void;
}

async function ownGroup(ec2: EC2Client, vpcId: string, name: string): Promise<string> {
  const id = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId }))).GroupId ?? '';
  // moto may give a new group the VPC-default self reference; keep it empty inbound.
  const g = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups?.[0];
  if (g?.IpPermissions?.length) await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: g.IpPermissions }));
  return id;
}

export async function seedUnlinkedPair(endpoint: string): Promise<Scenario> {
  const ids = await seedSandbox(endpoint);
  const ec2 = new EC2Client(clientConfig(endpoint, REGION));
  const rds = new RDSClient(clientConfig(endpoint, REGION));
  const web = ids.instances['goapp-web'];
  const appGroup = await ownGroup(ec2, ids.vpcId, 'goapp-app');
  const dbGroup = await ownGroup(ec2, ids.vpcId, 'goapp-db-only');
  const inst = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [web] }))).Reservations?.[0]?.Instances?.[0];
  const eni = inst?.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0)?.NetworkInterfaceId ?? '';
  await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni, Groups: [appGroup] }));
  await rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: DB.id, VpcSecurityGroupIds: [dbGroup], ApplyImmediately: true }));
  return { ids, web, ec2, rds, dispose: () => { ec2.destroy(); rds.destroy(); } };
}

export async function link(s: Scenario): Promise<void> {
  const api = createSdkLinkApi(s.ec2, s.rds);
  const { plan } = await prepareLink(api, { instanceId: s.web, db: DB });
  if (plan.status !== 'ready') throw new Error(`link plan ${plan.status}: ${plan.refusal?.message ?? ''}`);
  await applyPlan(plan, api, { deleteRetryDelaysMs: [50], consistencyRetryDelaysMs: [50] });
}

/** A full static diagnosis through a real session, with the calls it made. */
export async function diagnoseCounted(endpoint: string, web: string, resolve: Resolve = async () => [], db: { kind: 'instance' | 'cluster'; id: string } = DB): Promise<{ diagnosis: Diagnosis; calls: CallInfo[] }> {
  const calls: CallInfo[] = [];
  const session = new AwsSession({ endpointUrl: endpoint, credentials: async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }), onCall: (c) => calls.push(c) });
  try {
    const state = await readDiagnosisState({ ec2: session.ec2(REGION), rds: session.rds(REGION) }, REGION, { instanceId: web, db }, { resolve });
    return { diagnosis: diagnose(state), calls };
  } finally {
    session.dispose();
  }
}
