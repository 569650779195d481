// Which copy of the extension the editor loaded: an installed one (a publisher.name-version folder
// in an extensions dir), and exactly the one RDS_LINK_EXPECT_EXTENSION_PATH names when it is set
// (scripts/check-vsix.mjs sets it to where the .vsix was installed).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extensionUnderTest, manifest } from './extensionUnderTest';

describe('the extension under test is the installed copy', function () {
  it('is loaded from an extensions dir folder named publisher.name-version, with its bundles', function () {
    const ext = extensionUnderTest();
    const pkg = manifest();
    const expected = process.env.RDS_LINK_EXPECT_EXTENSION_PATH;
    // The Electron runner loads the repository itself, as a development extension.
    const isDevelopmentCopy = !expected && path.resolve(ext.extensionPath) === path.resolve(process.env.RDS_LINK_REPO ?? '');
    if (!isDevelopmentCopy) assert.equal(path.basename(ext.extensionPath), `${pkg.publisher}.${pkg.name}-${pkg.version}`.toLowerCase());
    if (expected) assert.equal(fs.realpathSync(ext.extensionPath), fs.realpathSync(expected));
    for (const f of ['dist/extension.js', 'dist/aws.js', 'dist/db.js', 'dist/goconfig.js', 'package.nls.json', 'package.nls.id.json', 'l10n/bundle.l10n.id.json']) {
      assert.ok(fs.existsSync(path.join(ext.extensionPath, f)), `${f} in ${ext.extensionPath}`);
    }
  });
});
