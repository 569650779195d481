export { configureL10n } from '../l10n';

/**
 * Pure core of the "Point at RDS" quick-fix: find the MySQL settings in a Go project's config
 * file and compute a minimal text patch that points them at an RDS database.
 *
 *   const d = detectConfig(fileName, text);            // or cache.get(uri, version, fileName, () => text)
 *   settingsOffTarget(d, target)                         // → diagnostics
 *   settingsInRange(d, start, end)                       // → code actions at a range
 *   const plan = planPatch(d, target);                   // → plan.edits into one WorkspaceEdit
 *   if (!plan.ok) show(plan.error.message);              // unparseable file: refused, nothing edited
 */
export { configFormatOf, detectConfig, formatName } from './detect';
export { planPatch, isOnTarget, settingsOffTarget } from './patch';
export { patchConfigText } from './patchText';
export { effectiveConnections, verifyPatch } from './verify';
export { blockOf, environmentBlocks, selectedEnvironment, type ConfigBlock } from './blocks';
export { KeyMapBuilder, buildKeyMap, scanGoFile, type KeyMap } from './keymap';
export { applyEdits } from './edits';
export { DetectionCache, settingsInRange } from './cache';
export {
  parseGoDsn,
  parseMysqlUrl,
  parseConnectionString,
  formatGoDsn,
  formatMysqlUrl,
  splitHostPort,
  joinHostPort,
  percentEncode,
  DEFAULT_PORT,
  type ParsedDsn,
  type DsnParts,
  type UrlParts,
} from './dsn';
export {
  ConfigParseError,
  type AddedKey,
  type ConfigFormat,
  type ConfigSetting,
  type DbTarget,
  type Detection,
  type DsnInfo,
  type EffectiveConnection,
  type IgnoredSetting,
  type IgnoreReason,
  type MissingKey,
  type ParseFailure,
  type PatchOptions,
  type PatchPlan,
  type PatchRefusal,
  type PatchResult,
  type PatchVerdict,
  type PatchWarning,
  type PatchWarningCode,
  type Placeholder,
  type PlaceholderSyntax,
  type Quoting,
  type SettingChange,
  type SettingGroup,
  type SettingRole,
  type StillElsewhere,
  type TextEdit,
  type TextSpan,
} from './types';
export { passwordEnvVar, envSecretEdits, gitignoreEdits } from './secrets';
