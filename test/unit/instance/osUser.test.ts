import * as assert from 'node:assert/strict';
import { guessOsUser, isWindows } from '../../../src/core/instance/osUser';

describe('db OS user guess', () => {
  // Real AMI names (as DescribeImages returns them) and the user AWS documents for each.
  const byAmiName: Array<[string, string]> = [
    ['al2023-ami-2023.5.20240805.0-kernel-6.1-x86_64', 'ec2-user'],
    ['amzn2-ami-kernel-5.10-hvm-2.0.20240719.0-x86_64-gp2', 'ec2-user'],
    ['ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240801', 'ubuntu'],
    ['ubuntu-pro-server/images/hvm-ssd/ubuntu-jammy-22.04-amd64-pro-server-20240207', 'ubuntu'],
    ['debian-12-amd64-20240717-1811', 'admin'],
    ['RHEL-9.4.0_HVM-20240605-x86_64-82-Hourly2-GP3', 'ec2-user'],
    ['suse-sles-15-sp6-v20240808-hvm-ssd-x86_64', 'ec2-user'],
    ['CentOS Stream 9 x86_64 20240805', 'centos'],
    ['Fedora-Cloud-Base-AmazonEC2.x86_64-40-1.14', 'fedora'],
    ['Rocky-9-EC2-Base-9.4-20240523.0.x86_64', 'rocky'],
    ['bitnami-wordpress-6.6.1-r0-debian-12-amd64', 'bitnami'],
    ['OL9.4-x86_64-HVM-2024-06-05', 'ec2-user'],
  ];
  for (const [name, user] of byAmiName) {
    it(`${name} → ${user}`, () => {
      const g = guessOsUser({ platform: 'Linux/UNIX', imageId: 'ami-1' }, name);
      assert.equal(g.user, user);
      assert.equal(g.basis, 'amiName');
    });
  }

  it('falls back to the platform when the AMI name is unknown', () => {
    const g = guessOsUser({ platform: 'Ubuntu Pro' });
    assert.deepEqual([g.user, g.basis], ['ubuntu', 'platform']);
    assert.equal(guessOsUser({ platform: 'Red Hat Enterprise Linux' }).user, 'ec2-user');
  });

  it('says when it only guessed the default', () => {
    const g = guessOsUser({ platform: 'Linux/UNIX' });
    assert.deepEqual([g.user, g.basis], ['ec2-user', 'default']);
    assert.match(g.reason, /change it if the login is refused/);
    assert.equal(guessOsUser({}).user, 'ec2-user');
  });

  it('lets the user override it (trimmed), whatever the AMI says', () => {
    const g = guessOsUser({ platform: 'Linux/UNIX' }, 'ubuntu-noble', '  deploy ');
    assert.deepEqual([g.user, g.basis], ['deploy', 'override']);
    assert.equal(guessOsUser({}, 'ubuntu', '   ').user, 'ubuntu');
  });

  it('prefers the AMI name over the generic platform', () => {
    // PlatformDetails is "Linux/UNIX" for Debian: only the name tells.
    assert.equal(guessOsUser({ platform: 'Linux/UNIX' }, 'debian-11-amd64-20240104-1616').user, 'admin');
  });

  it('knows Windows when it sees it', () => {
    assert.equal(isWindows({ platform: 'Windows' }), true);
    assert.equal(isWindows({ platform: 'windows' }), true);
    assert.equal(isWindows({ platform: 'Linux/UNIX' }), false);
    assert.equal(isWindows({}), false);
  });
});
