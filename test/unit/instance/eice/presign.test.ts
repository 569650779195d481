import * as assert from 'node:assert/strict';
import { checkOpenTunnelRequest, EiceRequestError, presignOpenTunnel } from '../../../../src/core/instance/eice/presign';
import { presignedUrl } from '../../../integration/support/sigv4';

// AWS's documentation example keys; a fixed time.
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const at = new Date('2024-03-05T06:07:08Z');
const req = { dnsName: 'eice-0123456789abcdef0.12345678.ec2-instance-connect-endpoint.eu-west-1.amazonaws.com', endpointId: 'eice-0123456789abcdef0', privateIpAddress: '10.0.1.25', remotePort: 22, maxTunnelDurationSeconds: 900 };

/** The URL the AWS CLI builds (eicesigner.py + botocore's SigV4QueryAuth), written out in the test. */
function cliUrl(creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, r = req): string {
  return presignedUrl({
    host: r.dnsName,
    path: '/openTunnel',
    params: [
      ['instanceConnectEndpointId', r.endpointId],
      ['remotePort', String(r.remotePort)],
      ['privateIpAddress', r.privateIpAddress],
      ['maxTunnelDuration', String(r.maxTunnelDurationSeconds)],
    ],
    region: 'eu-west-1',
    service: 'ec2-instance-connect',
    credentials: creds,
    at,
    expiresSeconds: 60,
  });
}

describe('EICE presigned URL', () => {
  it('is the AWS CLI\'s URL: same parameters, order, canonical form and signature', async () => {
    const url = await presignOpenTunnel(req, { region: 'eu-west-1', credentials, signingDate: at });
    assert.equal(url, cliUrl(credentials));
    const u = new URL(url);
    assert.equal(u.protocol, 'wss:');
    assert.equal(u.pathname, '/openTunnel');
    assert.deepEqual([...u.searchParams.keys()], [
      'instanceConnectEndpointId', 'remotePort', 'privateIpAddress', 'maxTunnelDuration',
      'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature',
    ]);
    assert.equal(u.searchParams.get('X-Amz-Credential'), 'AKIDEXAMPLE/20240305/eu-west-1/ec2-instance-connect/aws4_request');
    assert.equal(u.searchParams.get('X-Amz-Date'), '20240305T060708Z');
    assert.equal(u.searchParams.get('X-Amz-Expires'), '60');
    assert.equal(u.searchParams.get('X-Amz-SignedHeaders'), 'host');
    // The scope's slashes are escaped in the URL, as botocore writes it.
    assert.match(url, /X-Amz-Credential=AKIDEXAMPLE%2F20240305%2Feu-west-1%2Fec2-instance-connect%2Faws4_request&/);
  });

  it('signs the session token too (temporary credentials: SSO, assumed roles)', async () => {
    const temporary = { ...credentials, sessionToken: 'FQoGZXIvYXdzE+token/with=chars' };
    const url = await presignOpenTunnel(req, { region: 'eu-west-1', credentials: temporary, signingDate: at });
    assert.equal(url, cliUrl(temporary));
    assert.equal(new URL(url).searchParams.get('X-Amz-Security-Token'), temporary.sessionToken);
  });

  it('changes its signature with any parameter (the endpoint checks all of them)', async () => {
    const a = await presignOpenTunnel(req, { region: 'eu-west-1', credentials, signingDate: at });
    const b = await presignOpenTunnel({ ...req, privateIpAddress: '10.0.1.26' }, { region: 'eu-west-1', credentials, signingDate: at });
    assert.notEqual(new URL(a).searchParams.get('X-Amz-Signature'), new URL(b).searchParams.get('X-Amz-Signature'));
    assert.equal(b, cliUrl(credentials, { ...req, privateIpAddress: '10.0.1.26' }));
  });

  it('refuses any port but 22 and 3389, and a duration outside 1–3600 s, before signing', async () => {
    let asked = false;
    const spy = { get accessKeyId() { asked = true; return 'x'; }, secretAccessKey: 'y' };
    await assert.rejects(presignOpenTunnel({ ...req, remotePort: 3306 }, { region: 'eu-west-1', credentials: spy }), (e: Error) => e instanceof EiceRequestError && /22 \(SSH\) or 3389 \(RDP\), not 3306/.test(e.message));
    assert.equal(asked, false);
    assert.doesNotThrow(() => checkOpenTunnelRequest({ ...req, remotePort: 3389 }));
    for (const s of [0, 3601, 1.5]) assert.throws(() => checkOpenTunnelRequest({ ...req, maxTunnelDurationSeconds: s }), /1 to 3600/);
    for (const s of [1, 3600]) assert.doesNotThrow(() => checkOpenTunnelRequest({ ...req, maxTunnelDurationSeconds: s }));
  });
});
