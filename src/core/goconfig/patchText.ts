/** Detect + plan + apply in one call, for the command and for tests. */
import { detectConfig } from './detect';
import { applyEdits } from './edits';
import { planPatch } from './patch';
import type { ConfigFormat, DbTarget, PatchOptions, PatchPlan } from './types';

/**
 * Returns the patched text and the plan, or undefined when the file name is not a config format
 * we read. Throws the plan's ConfigParseError when the file does not parse.
 */
export function patchConfigText(
  fileName: string,
  text: string,
  target: DbTarget,
  options?: PatchOptions & { format?: ConfigFormat },
): { text: string; plan: PatchPlan } | undefined {
  const detection = detectConfig(fileName, text, options?.format);
  if (!detection) return undefined;
  const plan = planPatch(detection, target, options);
  if (!plan.ok) throw plan.error;
  return { text: applyEdits(text, plan.edits), plan };
}
