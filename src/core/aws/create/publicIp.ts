/**
 * The user's public IPv4 address, for a security group that lets SSH in from it only. It is
 * found by asking AWS's own address echo (checkip.amazonaws.com answers with the address the
 * request came from, as text). The wizard shows the answer as the default of an input box, so
 * the user sees it, can correct it (a VPN, a proxy), and can type it when there is no answer
 * (no internet, a firewall): nothing is sent anywhere else, and nothing depends on a setting.
 */
import { describeError } from '../../errors';
import { t } from '../../l10n';
import { sshSourceProblem } from './instancePlan';

export const PUBLIC_IP_ECHO_URL = 'https://checkip.amazonaws.com';
const LOOKUP_TIMEOUT_MS = 3_000;

export type PublicIpLookup = { readonly ip: string } | { readonly problem: string };

export async function findPublicIp(url = PUBLIC_IP_ECHO_URL, timeoutMs = LOOKUP_TIMEOUT_MS): Promise<PublicIpLookup> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return { problem: t('{0} answered HTTP {1}.', url, res.status) };
    const ip = (await res.text()).trim();
    const problem = sshSourceProblem(ip);
    return problem ? { problem: t('{0} answered: {1}', url, problem) } : { ip };
  } catch (err) {
    return { problem: t('{0} did not answer ({1}).', url, describeError(err)) };
  }
}
