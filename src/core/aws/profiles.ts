/**
 * Profiles as the AWS CLI finds them in ~/.aws/config and ~/.aws/credentials
 * (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE honoured by the SDK's loader).
 */
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';

export type ProfileKind = 'static' | 'assumeRole' | 'sso' | 'process' | 'webIdentity' | 'other';

export interface ProfileInfo {
  readonly name: string;
  readonly kind: ProfileKind;
  readonly region?: string;
  readonly ssoSession?: string;
}

type IniSection = Record<string, string | undefined>;

/** Pure: what kind of credentials a profile's merged settings describe. */
export function profileKind(settings: IniSection): ProfileKind {
  if (settings.role_arn && (settings.source_profile || settings.credential_source)) return 'assumeRole';
  if (settings.role_arn && settings.web_identity_token_file) return 'webIdentity';
  if (settings.sso_session || settings.sso_start_url || settings.sso_account_id) return 'sso';
  if (settings.credential_process) return 'process';
  if (settings.aws_access_key_id) return 'static';
  return 'other';
}

/** Pure: merge the two files' sections into one sorted profile list. */
export function mergeProfiles(config: Record<string, IniSection>, credentials: Record<string, IniSection>): ProfileInfo[] {
  const names = new Set([...Object.keys(config), ...Object.keys(credentials)]);
  return [...names]
    .sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)))
    .map((name) => {
      const merged = { ...config[name], ...credentials[name] };
      return { name, kind: profileKind(merged), region: merged.region, ssoSession: merged.sso_session };
    });
}

export async function listProfiles(): Promise<ProfileInfo[]> {
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  return mergeProfiles(configFile, credentialsFile);
}

/** The profile the SDK uses when the setting is empty: AWS_PROFILE, else "default". */
export function effectiveProfileName(setting: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return setting?.trim() || env.AWS_PROFILE || 'default';
}

/**
 * Regions to show: the setting when it has any, else the profile's region, else AWS_REGION,
 * else us-east-1 (the console's default).
 */
export function resolveRegions(setting: readonly string[] | undefined, profileRegion: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const chosen = (setting ?? []).map((r) => r.trim()).filter(Boolean);
  if (chosen.length) return [...new Set(chosen)];
  return [profileRegion || env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1'];
}
