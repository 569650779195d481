/**
 * The tags a deploy leaves on each instance it touched: which service runs there, which release,
 * since when. The EC2 view reads them from the listing it already has, so it shows what runs
 * where without SSH. Pure and SDK-free (the tree imports it); `tagReleases` in ec2.ts writes them.
 */
import type { Ec2Instance } from './types';

export const ReleaseTags = {
  service: 'rds-link:service',
  release: 'rds-link:release',
  /** ISO 8601, UTC (Date.prototype.toISOString). */
  releasedAt: 'rds-link:released-at',
} as const;

/** EC2 tag values are at most 256 characters. */
export const MAX_TAG_VALUE_LENGTH = 256;

/** What a deploy stamps on the instances it touched. */
export interface ReleaseStamp {
  readonly service: string;
  readonly release: string;
  readonly releasedAt: Date;
}

/**
 * Pure: the tags a stamp writes, as EC2 keeps them (what tagReleases sends, and what the store
 * merges into its listing afterwards). A value that is not usable is '' (tagReleases refuses it).
 */
export function releaseTagValues(stamp: ReleaseStamp): Record<string, string> {
  return {
    [ReleaseTags.service]: stamp.service.trim(),
    [ReleaseTags.release]: stamp.release.trim(),
    [ReleaseTags.releasedAt]: Number.isNaN(stamp.releasedAt.getTime()) ? '' : stamp.releasedAt.toISOString(),
  };
}

export interface InstanceRelease {
  readonly service?: string;
  readonly release?: string;
  readonly releasedAt?: Date;
}

/** Pure: what the release tags of an instance say; a tag that is missing, blank or not a date is left out. */
export function releaseOf(instance: Pick<Ec2Instance, 'tags'>): InstanceRelease {
  const value = (key: string): string | undefined => instance.tags[key]?.trim() || undefined;
  const [service, release, at] = [value(ReleaseTags.service), value(ReleaseTags.release), value(ReleaseTags.releasedAt)];
  const releasedAt = at === undefined ? undefined : new Date(at);
  return {
    ...(service && { service }),
    ...(release && { release }),
    ...(releasedAt && !Number.isNaN(releasedAt.getTime()) && { releasedAt }),
  };
}
