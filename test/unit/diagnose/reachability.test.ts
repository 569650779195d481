/** moto has no Reachability Analyzer: the requests and the explanations are checked against a mocked EC2 client. */
import * as assert from 'node:assert/strict';
import {
  CreateNetworkInsightsPathCommand,
  DeleteNetworkInsightsAnalysisCommand,
  DeleteNetworkInsightsPathCommand,
  DescribeNetworkInsightsAnalysesCommand,
  EC2Client,
  StartNetworkInsightsAnalysisCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { explain, REACHABILITY_COST, runReachabilityAnalysis } from '../../../src/core/diagnose/reachability';

describe('diagnose: Reachability Analyzer', () => {
  const ec2Mock = mockClient(EC2Client);
  const ec2 = new EC2Client({ region: 'eu-west-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
  const request = { instanceId: 'i-app', dbAddress: '10.0.11.20', port: 3306 };
  const noSleep = async () => undefined;

  beforeEach(() => {
    ec2Mock.reset();
    ec2Mock.on(CreateNetworkInsightsPathCommand).resolves({ NetworkInsightsPath: { NetworkInsightsPathId: 'nip-1' } });
    ec2Mock.on(StartNetworkInsightsAnalysisCommand).resolves({ NetworkInsightsAnalysis: { NetworkInsightsAnalysisId: 'nia-1', Status: 'running' } });
    ec2Mock.on(DeleteNetworkInsightsAnalysisCommand).resolves({});
    ec2Mock.on(DeleteNetworkInsightsPathCommand).resolves({});
  });
  after(() => ec2Mock.restore());

  it('asks for a TCP path from the instance to the DB\'s address and port, polls, passes, and deletes what it made', async () => {
    ec2Mock
      .on(DescribeNetworkInsightsAnalysesCommand)
      .resolvesOnce({ NetworkInsightsAnalyses: [{ Status: 'running' }] })
      .resolves({ NetworkInsightsAnalyses: [{ Status: 'succeeded', NetworkPathFound: true }] });
    const check = await runReachabilityAnalysis(ec2, request, { sleep: noSleep });
    assert.equal(check.status, 'pass');
    assert.match(check.title, new RegExp(REACHABILITY_COST.replace('$', '\\$')));
    const create = ec2Mock.commandCalls(CreateNetworkInsightsPathCommand)[0].args[0].input;
    assert.deepEqual({ ...create, TagSpecifications: undefined }, { Source: 'i-app', DestinationIp: '10.0.11.20', DestinationPort: 3306, Protocol: 'tcp', TagSpecifications: undefined });
    assert.deepEqual(ec2Mock.commandCalls(StartNetworkInsightsAnalysisCommand)[0].args[0].input, { NetworkInsightsPathId: 'nip-1' });
    assert.equal(ec2Mock.commandCalls(DescribeNetworkInsightsAnalysesCommand).length, 2);
    assert.deepEqual(ec2Mock.commandCalls(DeleteNetworkInsightsAnalysisCommand)[0].args[0].input, { NetworkInsightsAnalysisId: 'nia-1' });
    assert.deepEqual(ec2Mock.commandCalls(DeleteNetworkInsightsPathCommand)[0].args[0].input, { NetworkInsightsPathId: 'nip-1' });
  });

  it('puts the explanation codes of a blocked path into words', async () => {
    ec2Mock.on(DescribeNetworkInsightsAnalysesCommand).resolves({
      NetworkInsightsAnalyses: [{
        Status: 'succeeded', NetworkPathFound: false,
        Explanations: [
          { ExplanationCode: 'ENI_SG_RULES_MISMATCH', Direction: 'ingress', SecurityGroups: [{ Id: 'sg-db', Name: 'db' }], NetworkInterface: { Id: 'eni-db' } },
          { ExplanationCode: 'SUBNET_ACL_RESTRICTION', Direction: 'egress', Acl: { Id: 'acl-1' }, Subnet: { Id: 'subnet-db' } },
          { ExplanationCode: 'SOMETHING_NEW', Component: { Id: 'tgw-1' } },
        ],
      }],
    });
    const check = await runReachabilityAnalysis(ec2, request, { sleep: noSleep });
    assert.equal(check.status, 'fail');
    assert.deepEqual(check.evidence, [
      'No inbound rule of the security groups sg-db (db) on eni-db allows this traffic.',
      'The network ACL acl-1 of subnet subnet-db blocks this traffic (outbound).',
      'AWS explanation SOMETHING_NEW: tgw-1.',
    ]);
    assert.equal(ec2Mock.commandCalls(DeleteNetworkInsightsPathCommand).length, 1);
  });

  it('maps routes and states', () => {
    assert.equal(explain({ ExplanationCode: 'NO_ROUTE_TO_DESTINATION', RouteTable: { Id: 'rtb-1' } }), 'The route table rtb-1 has no route to the destination.');
    assert.match(explain({ ExplanationCode: 'BAD_STATE_ROUTE', RouteTable: { Id: 'rtb-1' } }), /blackhole/);
  });

  it('deletes the path even when the analysis cannot start, and says what failed', async () => {
    ec2Mock.on(StartNetworkInsightsAnalysisCommand).rejects(Object.assign(new Error('not allowed'), { name: 'UnauthorizedOperation' }));
    await assert.rejects(runReachabilityAnalysis(ec2, request, { sleep: noSleep }), (err: Error) => /Reachability Analyzer failed/.test(err.message) && (err.cause as Error).name === 'UnauthorizedOperation');
    assert.equal(ec2Mock.commandCalls(DeleteNetworkInsightsPathCommand).length, 1);
    assert.equal(ec2Mock.commandCalls(DeleteNetworkInsightsAnalysisCommand).length, 0);
  });

  it('gives up as unknown when the analysis runs past its time', async () => {
    ec2Mock.on(DescribeNetworkInsightsAnalysesCommand).resolves({ NetworkInsightsAnalyses: [{ Status: 'running' }] });
    const check = await runReachabilityAnalysis(ec2, request, { sleep: noSleep, timeoutMs: -1 });
    assert.equal(check.status, 'unknown');
    assert.equal(ec2Mock.commandCalls(DeleteNetworkInsightsAnalysisCommand).length, 1);
  });
});
