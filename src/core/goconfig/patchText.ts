/** Detect + plan + apply in one call, for the command and for tests. */
import { detectConfig } from './detect';
import { applyEdits } from './edits';
import { planPatch } from './patch';
import type { ConfigFormat, DbTarget, PatchOptions, PatchPlan, PatchVerdict } from './types';
import { verifyPatch } from './verify';
import type { KeyMap } from './keymap';

/**
 * Returns the patched text, the plan and the verdict on the text read again, or undefined when the file name is not a config format
 * we read. Throws the plan's ConfigParseError when the file does not parse.
 */
export function patchConfigText(
  fileName: string,
  text: string,
  target: DbTarget,
  options?: PatchOptions & { format?: ConfigFormat; keyMap?: KeyMap },
): { text: string; plan: PatchPlan; verdict: PatchVerdict } | undefined {
  const detection = detectConfig(fileName, text, options?.format, { keyMap: options?.keyMap });
  if (!detection) return undefined;
  const plan = planPatch(detection, target, options);
  if (!plan.ok) throw plan.error;
  const patched = applyEdits(text, plan.edits);
  return { text: patched, plan, verdict: verifyPatch(detection, plan, patched, target, options) };
}
