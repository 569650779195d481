// Real servers for the integration layer (and for scripts such as `npm start`): no mocha here.
export { getFreePort, waitForPort, canConnect } from './ports';
export { ensureCommand, installDebianPackage, findExecutable } from './debian';
export { startMoto, ensureMoto, type MotoServer, type StartMotoOptions } from './moto';
export { startMariaDb, type MariaDbServer, type StartMariaDbOptions } from './mariadb';
export { startSshd, type SshServer, type StartSshdOptions } from './sshd';
export { makeTestCertificates, type TestCertificates, type MakeCertificatesOptions } from './certificates';
export { startTestHosts, accessTo, type TestHost, type TestNetwork } from './testHosts';
export { startSandboxSsh, type SandboxSsh, type SandboxSshEvent, type SandboxSshOptions } from './sandboxSsh';
export { startEiceStandIn, type EiceStandIn, type EiceStandInEvent, type EiceStandInOptions } from './eiceStandIn';
export { startAlbStandIn, type AlbStandIn, type AlbStandInOptions, type AlbRouting, type AlbTarget } from './albStandIn';
export { startEc2Shim, type Ec2Shim, type Ec2ShimOptions, type ShimEndpoint } from './ec2Shim';
export { startSandboxHosts, SANDBOX_HOST_USERS, type SandboxHost, type SandboxHosts, type SandboxHostsOptions } from './sandboxHosts';
