// An InstanceCreateApi that records each call as `name(string args)` and fails where told: shared
// by the core's apply tests and the command's scripted runs (which add the wizard's reads).
import type { InstanceCreateApi } from '../../../src/core/aws/create';
import { AwsError } from '../link/fakeAws';

export function recordingInstanceCreateApi(o: { readonly failAt?: keyof InstanceCreateApi; readonly arch?: 'x86_64' | 'arm64'; readonly amiId?: string } = {}): { api: InstanceCreateApi; calls: string[] } {
  const calls: string[] = [];
  const rec = <T = void>(name: keyof InstanceCreateApi, value?: T) => async (...args: unknown[]): Promise<T> => {
    calls.push(`${name}(${args.filter((a) => typeof a === 'string').join(',')})`);
    if (name === o.failAt) throw new AwsError('InsufficientInstanceCapacity', `${name} failed`, 400);
    return value as T;
  };
  const api: InstanceCreateApi = {
    readParameter: rec('readParameter', o.amiId ?? 'ami-123'),
    describeImageArchitecture: rec('describeImageArchitecture', o.arch ?? 'x86_64'),
    createSecurityGroup: rec('createSecurityGroup', 'sg-new'),
    authorizeSshIngress: rec('authorizeSshIngress'),
    deleteSecurityGroup: rec('deleteSecurityGroup'),
    createRole: rec('createRole'),
    attachRolePolicy: rec('attachRolePolicy'),
    createInstanceProfile: rec('createInstanceProfile'),
    addRoleToInstanceProfile: rec('addRoleToInstanceProfile'),
    removeRoleFromInstanceProfile: rec('removeRoleFromInstanceProfile'),
    deleteInstanceProfile: rec('deleteInstanceProfile'),
    detachRolePolicy: rec('detachRolePolicy'),
    deleteRole: rec('deleteRole'),
    runInstance: rec('runInstance', 'i-new'),
    waitStatusOk: rec('waitStatusOk'),
    terminateInstance: rec('terminateInstance'),
    waitTerminated: rec('waitTerminated'),
  };
  return { api, calls };
}
