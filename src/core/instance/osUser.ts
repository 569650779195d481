/**
 * The OS user to push the Instance Connect key for, guessed from the AMI. AWS's list of default
 * user names per distribution (EC2 User Guide, "Connect to your Linux instance"): Amazon Linux,
 * RHEL, SUSE, Oracle, FreeBSD → ec2-user; Ubuntu → ubuntu; Debian → admin; CentOS → centos;
 * Fedora → fedora; Rocky → rocky; Bitnami → bitnami. The AMI name says more than the platform
 * ("Linux/UNIX" covers Amazon Linux, Debian and most others), so it is read first.
 */
import type { Ec2Instance } from '../aws/types';
import { t } from '../l10n';

export type OsUserBasis = 'override' | 'amiName' | 'platform' | 'default';

export interface OsUserGuess {
  readonly user: string;
  readonly basis: OsUserBasis;
  /** For the message that says which user is tried and why. */
  readonly reason: string;
}

/** Checked in order: the first pattern found in the AMI name (or platform) wins. */
const BY_NAME: ReadonlyArray<readonly [RegExp, string, string]> = [
  [/bitnami/i, 'bitnami', 'Bitnami'],
  [/ubuntu/i, 'ubuntu', 'Ubuntu'],
  [/debian/i, 'admin', 'Debian'],
  [/centos/i, 'centos', 'CentOS'],
  [/fedora/i, 'fedora', 'Fedora'],
  [/rocky/i, 'rocky', 'Rocky Linux'],
  [/amzn|amazon linux|al2023|\bal2\b/i, 'ec2-user', 'Amazon Linux'],
  [/rhel|red hat/i, 'ec2-user', 'Red Hat Enterprise Linux'],
  [/suse|sles/i, 'ec2-user', 'SUSE'],
  [/oracle|\bol\d/i, 'ec2-user', 'Oracle Linux'],
  [/freebsd/i, 'ec2-user', 'FreeBSD'],
];

export const DEFAULT_OS_USER = 'ec2-user';

export function isWindows(instance: Pick<Ec2Instance, 'platform'>): boolean {
  return /windows/i.test(instance.platform ?? '');
}

/**
 * @param imageName the AMI's name (DescribeImages), when known.
 * @param override the user's own choice for this instance; wins when set.
 */
export function guessOsUser(instance: Pick<Ec2Instance, 'platform' | 'imageId'>, imageName?: string, override?: string): OsUserGuess {
  if (override?.trim()) return { user: override.trim(), basis: 'override', reason: t('OS user {0} (your setting)', override.trim()) };
  for (const [basis, text] of [['amiName', imageName], ['platform', instance.platform]] as const) {
    if (!text) continue;
    const hit = BY_NAME.find(([re]) => re.test(text));
    if (hit) return { user: hit[1], basis, reason: t('OS user {0}: the AMI is {1}', hit[1], hit[2]) };
  }
  return { user: DEFAULT_OS_USER, basis: 'default', reason: t('OS user {0}: the usual default (the AMI did not tell); change it if the login is refused', DEFAULT_OS_USER) };
}
