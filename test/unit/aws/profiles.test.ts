import * as assert from 'node:assert/strict';
import { effectiveProfileName, mergeProfiles, profileKind, resolveRegions } from '../../../src/core/aws/profiles';

describe('profiles', () => {
  it('tells the kind of each profile the way the CLI would use it', () => {
    assert.equal(profileKind({ aws_access_key_id: 'AKIA', aws_secret_access_key: 's' }), 'static');
    assert.equal(profileKind({ role_arn: 'arn:aws:iam::1:role/x', source_profile: 'base' }), 'assumeRole');
    assert.equal(profileKind({ sso_session: 'corp', sso_account_id: '1', sso_role_name: 'r' }), 'sso');
    assert.equal(profileKind({ sso_start_url: 'https://x.awsapps.com/start' }), 'sso');
    assert.equal(profileKind({ credential_process: '/bin/creds' }), 'process');
    assert.equal(profileKind({ region: 'eu-west-1' }), 'other');
  });

  it('merges both files, default first, credentials file winning on keys', () => {
    const list = mergeProfiles(
      { dev: { region: 'eu-west-1', role_arn: 'arn', source_profile: 'default' }, default: { region: 'us-east-2' } },
      { default: { aws_access_key_id: 'A', aws_secret_access_key: 'B' }, alpha: { aws_access_key_id: 'C' } },
    );
    assert.deepEqual(list.map((p) => [p.name, p.kind, p.region]), [
      ['default', 'static', 'us-east-2'],
      ['alpha', 'static', undefined],
      ['dev', 'assumeRole', 'eu-west-1'],
    ]);
  });

  it('resolves regions: setting, then profile region, then AWS_REGION, then us-east-1', () => {
    assert.deepEqual(resolveRegions(['eu-west-1', 'eu-west-1', ' us-east-1 '], 'ap-south-1', {}), ['eu-west-1', 'us-east-1']);
    assert.deepEqual(resolveRegions([], 'ap-south-1', { AWS_REGION: 'eu-north-1' }), ['ap-south-1']);
    assert.deepEqual(resolveRegions(undefined, undefined, { AWS_REGION: 'eu-north-1' }), ['eu-north-1']);
    assert.deepEqual(resolveRegions([], undefined, {}), ['us-east-1']);
  });

  it('uses the setting, else AWS_PROFILE, else default', () => {
    assert.equal(effectiveProfileName('work', { AWS_PROFILE: 'x' }), 'work');
    assert.equal(effectiveProfileName('', { AWS_PROFILE: 'x' }), 'x');
    assert.equal(effectiveProfileName(undefined, {}), 'default');
  });
});
