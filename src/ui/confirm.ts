import { CancelledError } from '../core/errors';
import type { UserInput } from './userInput';

/**
 * A modal question with one action; resolves when the person takes it, throws CancelledError
 * otherwise. Destructive actions show as a warning.
 */
export async function confirmModal(ui: UserInput, message: string, detail: string, action: string, options: { destructive?: boolean } = {}): Promise<void> {
  const answer = options.destructive
    ? await ui.showWarningMessage(message, { modal: true, detail }, action)
    : await ui.showInformationMessage(message, { modal: true, detail }, action);
  if (answer !== action) throw new CancelledError();
}
