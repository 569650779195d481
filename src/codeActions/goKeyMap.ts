/**
 * The workspace's Go code map (which config keys the app reads, see core/goconfig/keymap.ts),
 * scanned in the background the first time a config file is looked at, then kept up to date
 * file by file. Code actions never wait for it: they use the last map there is.
 *
 * A file watcher can miss a file written just after its folder was made (the folder is watched
 * only once it exists): each later look at a config file also lists the Go files again, at most
 * every LOOK_AGAIN_MS, and reads the ones the map does not know.
 */
import * as vscode from 'vscode';
import type { KeyMap, KeyMapBuilder } from '../core/goconfig/index';
import { loadGoConfig } from '../lazy';

/** Bounds of the first scan: files, bytes per file, and wall time. */
const MAX_FILES = 3000;
const MAX_BYTES = 512 * 1024;
const MAX_MS = 5000;
const GO_FILES = '**/*.go';
const SKIP = '{**/vendor/**,**/node_modules/**,**/testdata/**,**/*_test.go}';
/** The least time between two listings after the first scan. */
const LOOK_AGAIN_MS = 10_000;

export class WorkspaceKeyMap implements vscode.Disposable {
  private builder: KeyMapBuilder | undefined;
  private started = false;
  private scanned = false;
  private watcher: vscode.FileSystemWatcher | undefined;
  private looking = false;
  private lookedAt = 0;
  private lookLater: ReturnType<typeof setTimeout> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the map changed (first scan done, a Go file saved). */
  readonly onDidChange = this.changed.event;

  /** The last map, once the first scan is done; undefined before, or with no Go files to learn from. */
  current(): KeyMap | undefined {
    if (!this.scanned || !this.builder || this.builder.size === 0) return undefined;
    return this.builder.map();
  }

  /** Starts the background scan, once; later calls look for Go files the map missed. */
  start(): void {
    if (this.started) return this.lookAgain();
    this.started = true;
    void this.scan();
  }

  /** Lists the Go files again and reads the new ones; a call within LOOK_AGAIN_MS of the last look runs once that time is up. */
  private lookAgain(): void {
    const builder = this.builder;
    if (!this.scanned || !builder || this.looking || this.lookLater) return;
    const wait = this.lookedAt + LOOK_AGAIN_MS - Date.now();
    if (wait > 0) {
      this.lookLater = setTimeout(() => {
        this.lookLater = undefined;
        this.lookAgain();
      }, wait);
      return;
    }
    this.looking = true;
    this.lookedAt = Date.now();
    void (async () => {
      let learned = false;
      try {
        for (const uri of await vscode.workspace.findFiles(GO_FILES, SKIP, MAX_FILES)) {
          if (builder.has(uri.toString())) continue;
          await this.read(builder, uri);
          learned ||= builder.has(uri.toString());
        }
      } catch {
        // The map stays as the watcher keeps it.
      } finally {
        this.looking = false;
      }
      if (learned) this.changed.fire();
    })();
  }

  private async scan(): Promise<void> {
    const builder = (this.builder = new (loadGoConfig().KeyMapBuilder)(MAX_FILES));
    // Watching first: a Go file written while the first scan runs is read by its event, not missed
    // between the listing and the watcher (reading a file twice is harmless).
    this.watcher = vscode.workspace.createFileSystemWatcher(GO_FILES);
    const refresh = (uri: vscode.Uri): void => {
      void this.read(builder, uri).then(() => this.changed.fire());
    };
    this.watcher.onDidChange(refresh);
    this.watcher.onDidCreate(refresh);
    this.watcher.onDidDelete((uri) => {
      builder.remove(uri.toString());
      this.changed.fire();
    });
    const began = Date.now();
    try {
      const files = await vscode.workspace.findFiles(GO_FILES, SKIP, MAX_FILES);
      for (const uri of files) {
        if (Date.now() - began > MAX_MS) break;
        await this.read(builder, uri);
      }
    } catch {
      // No map: the keys are judged by their names, as before (and the patch says it is a guess).
    }
    this.scanned = true;
    this.changed.fire();
  }

  private async read(builder: KeyMapBuilder, uri: vscode.Uri): Promise<void> {
    if (/_test\.go$|[\\/]vendor[\\/]/.test(uri.path)) return;
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > MAX_BYTES) return;
      builder.update(uri.toString(), Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'));
    } catch {
      builder.remove(uri.toString());
    }
  }

  dispose(): void {
    clearTimeout(this.lookLater);
    this.watcher?.dispose();
    this.changed.dispose();
  }
}
