// Kept for the receiver tests not yet moved to test/support/alertmanagerPeer.ts (pagerduty,
// discord, msteams, telegram); new code imports that module directly and never skips.
import { hasTool } from '../../support/tools.ts';

export { startAlertmanager } from '../../support/alertmanagerPeer.ts';

export const hasAlertmanager = hasTool('prometheus-alertmanager');
