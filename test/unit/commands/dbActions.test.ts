// The two DB actions beside the instance ones: copy the endpoint (refused without one), open the console.
import * as assert from 'node:assert/strict';
import { copyDbEndpoint } from '../../../src/commands/database/copyDbEndpoint';
import { openDbInConsole } from '../../../src/commands/database/openDbInConsole';
import { isCancellation } from '../../../src/core/errors';
import { db } from '../link/builders';
import { fakeDeps } from '../support/fakeDeps';
import { escape, pick, TestUserInput } from '../support/testUserInput';

const REGION = 'us-east-1';
const shop = db({ region: REGION, id: 'shop-db', endpoint: { address: 'shop-db.abc.us-east-1.rds.amazonaws.com', port: 3306 } });
const fresh = db({ region: REGION, id: 'new-db', status: 'creating', endpoint: undefined });

describe('commands: DB copy and console actions (fake deps, scripted answers)', () => {
  it('copyDbEndpoint copies host:port of the picked DB and returns it', async () => {
    const deps = fakeDeps({ ui: new TestUserInput([pick('shop-db')]), store: { databases: [shop, fresh] } });
    assert.equal(await copyDbEndpoint(deps), 'shop-db.abc.us-east-1.rds.amazonaws.com:3306');
    assert.equal(deps.ui.clipboard, 'shop-db.abc.us-east-1.rds.amazonaws.com:3306');
    assert.equal(deps.ui.shown.at(-1)?.text, 'Copied endpoint: shop-db.abc.us-east-1.rds.amazonaws.com:3306');
  });

  it('copyDbEndpoint refuses a DB with no endpoint yet; Escape copies nothing', async () => {
    const deps = fakeDeps({ ui: new TestUserInput([pick('new-db'), escape]), store: { databases: [shop, fresh] } });
    await assert.rejects(copyDbEndpoint(deps), /new-db has no endpoint yet \(status: creating\)/);
    await assert.rejects(copyDbEndpoint(deps), (e: unknown) => isCancellation(e));
    assert.equal(deps.ui.clipboard, '');
  });

  it('openDbInConsole opens the picked DB in the RDS console of its region', async () => {
    const deps = fakeDeps({ ui: new TestUserInput([pick('shop-db')]), store: { databases: [shop] } });
    await openDbInConsole(deps);
    assert.equal(deps.ui.opened.length, 1);
    assert.match(deps.ui.opened[0], /us-east-1\.console\.aws\.amazon\.com\/rds\/.*shop-db/);
  });
});
