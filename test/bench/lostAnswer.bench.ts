/**
 * lost_answer_leftovers: differences between AWS and what the run said, summed over the
 *   lost-answer suite — every mutating step of a link and of an unlink against moto, each tripped
 *   in turn by the proxy (answer lost after moto did the call, connection reset, HTTP 500) while
 *   the real SDK retries. A run that completed is compared with a clean link (or unlink); one
 *   that said "AWS is as it was" with the state before it (must be 0).
 * lost_answer_cases: how many cases that is.
 */
import { FAULTS, LINK_ACTIONS, LostAnswerSuite, UNLINK_ACTIONS } from '../integration/link/lostAnswer';

export async function run(): Promise<Array<{ name: string; value: number; unit: string }>> {
  const suite = await LostAnswerSuite.start();
  let leftovers = 0;
  let cases = 0;
  try {
    for (const [op, actions] of [['link', LINK_ACTIONS], ['unlink', UNLINK_ACTIONS]] as const) {
      for (const index of actions.keys()) {
        for (const fault of FAULTS) {
          const r = await suite.run({ op, index, fault });
          // A run that left something and said so is counted too: the suite wants none left.
          leftovers += r.leftovers + (r.outcome === 'leftBehind' ? 1 : 0);
          cases++;
        }
      }
    }
  } finally {
    await suite.stop();
  }
  return [
    { name: 'lost_answer_leftovers', value: leftovers, unit: 'differences' },
    { name: 'lost_answer_cases', value: cases, unit: 'cases' },
  ];
}
