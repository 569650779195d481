export { configureL10n } from '../l10n';
