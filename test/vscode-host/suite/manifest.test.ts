// The manifest and the code agree: what package.json declares is what activate() registers, and
// every menu entry points at a declared command and an existing view. Runs in a real extension
// host (code-server or @vscode/test-electron), against the manifest the editor actually loaded.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, declaredViewIds, manifest, type Manifest } from './extensionUnderTest';

interface MenuEntry {
  command?: string;
  submenu?: string;
  alt?: string;
  when?: string;
}

/** View ids a when clause requires: `view == X`, `focusedView == 'X'`. */
function viewsInWhen(when: string): string[] {
  return [...when.matchAll(/\b(?:view|focusedView)\s*==\s*'?([\w.-]+)'?/g)].map((m) => m[1]);
}

describe('manifest: declared and registered commands agree', function () {
  let pkg: Manifest;
  let declared: Set<string>;
  let registered: string[];

  before(async function () {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed in this editor`);
    await ext.activate();
    assert.equal(ext.isActive, true, `${EXTENSION_ID} did not activate`);
    pkg = manifest();
    declared = new Set((pkg.contributes?.commands ?? []).map((c) => c.command));
    registered = await vscode.commands.getCommands(true);
  });

  it('declares commands at all', function () {
    assert.ok(declared.size > 0, 'contributes.commands is empty');
  });

  it('registers every command of contributes.commands at activation', function () {
    const have = new Set(registered);
    const missing = [...declared].filter((c) => !have.has(c));
    assert.deepEqual(missing, [], `declared in package.json but not registered: ${missing.join(', ')}`);
  });

  it('declares every rdsLink.* command it registers', function () {
    // The workbench registers <viewId>.focus, .resetViewLocation, ... for each view by itself.
    const viewPrefixes = [...declaredViewIds(pkg)].map((v) => `${v}.`);
    const ours = registered.filter((c) => c.startsWith('rdsLink.') && !viewPrefixes.some((p) => c.startsWith(p)));
    const undeclared = ours.filter((c) => !declared.has(c));
    assert.deepEqual(undeclared, [], `registered but not in contributes.commands: ${undeclared.join(', ')}`);
  });

  it('names a declared command and an existing view in every menu entry', function () {
    const views = declaredViewIds(pkg);
    const submenus = new Set((pkg.contributes?.submenus ?? []).map((s) => s.id));
    const problems: string[] = [];
    let entries = 0;
    for (const [menu, items] of Object.entries((pkg.contributes?.menus ?? {}) as Record<string, MenuEntry[]>)) {
      for (const [i, item] of items.entries()) {
        entries++;
        const where = `menus["${menu}"][${i}]`;
        if (item.command === undefined && item.submenu === undefined) problems.push(`${where} names neither a command nor a submenu`);
        if (item.command !== undefined && !declared.has(item.command)) problems.push(`${where}: command ${item.command} is not declared`);
        if (item.alt !== undefined && !declared.has(item.alt)) problems.push(`${where}: alt command ${item.alt} is not declared`);
        if (item.submenu !== undefined && !submenus.has(item.submenu)) problems.push(`${where}: submenu ${item.submenu} is not declared`);
        for (const v of viewsInWhen(item.when ?? '')) {
          if (!views.has(v)) problems.push(`${where}: view ${v} in "${item.when}" does not exist`);
        }
      }
    }
    assert.ok(entries > 0, 'contributes.menus has no entries');
    assert.deepEqual(problems, []);
  });

  it('links only declared commands and existing views from the welcome content', function () {
    const views = declaredViewIds(pkg);
    const problems: string[] = [];
    for (const [i, w] of (pkg.contributes?.viewsWelcome ?? []).entries()) {
      if (!views.has(w.view)) problems.push(`viewsWelcome[${i}]: view ${w.view} does not exist`);
      // The editor has already put the localized text in place of %keys%.
      for (const [, cmd] of w.contents.matchAll(/\(command:([\w.-]+)/g)) {
        if (cmd.startsWith('rdsLink.') && !declared.has(cmd)) problems.push(`viewsWelcome[${i}]: links to undeclared command ${cmd}`);
      }
    }
    assert.deepEqual(problems, []);
  });
});
