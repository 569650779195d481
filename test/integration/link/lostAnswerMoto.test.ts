import * as assert from 'node:assert/strict';
import { FAULTS, LINK_ACTIONS, LostAnswerSuite, UNLINK_ACTIONS } from './lostAnswer';

describe('link and unlink against moto when an answer goes wrong (real SDK retries, proxy trips one call)', function () {
  let suite: LostAnswerSuite;
  before(async () => {
    suite = await LostAnswerSuite.start();
  });
  after(async () => {
    await suite?.stop();
  });

  for (const [op, actions] of [['link', LINK_ACTIONS], ['unlink', UNLINK_ACTIONS]] as const) {
    for (const [index, action] of actions.entries()) {
      for (const fault of FAULTS) {
        it(`${op}, step ${index + 1} (${action}), ${fault}: complete and valid, or AWS as it was, and the message says which`, async () => {
          const r = await suite.run({ op, index, fault });
          assert.ok(r.actions.includes(`${action} (held)`), `the proxy tripped ${action}: ${r.actions.join(', ')}`);
          assert.equal(r.leftovers, 0, `${r.outcome}: ${r.message}`);
          // One network blip that the SDK retried is not a failure.
          assert.equal(r.outcome, 'complete', r.message);
        });
      }
    }
  }
});
