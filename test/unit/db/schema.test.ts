import * as assert from 'node:assert/strict';
import { generatePassword, PASSWORD_ALPHABET, pickCollation } from '../../../src/core/db/schema';

describe('db schema helpers', () => {
  it('picks utf8mb4_0900_ai_ci when the server has it (MySQL 8)', () => {
    assert.equal(pickCollation(['utf8mb4_general_ci', 'utf8mb4_unicode_ci', 'utf8mb4_0900_ai_ci']), 'utf8mb4_0900_ai_ci');
  });

  it('falls back to utf8mb4_unicode_ci (MariaDB, MySQL 5.7), then utf8mb4_general_ci', () => {
    assert.equal(pickCollation(['utf8mb4_general_ci', 'UTF8MB4_UNICODE_CI']), 'utf8mb4_unicode_ci');
    assert.equal(pickCollation(['utf8mb4_general_ci']), 'utf8mb4_general_ci');
    assert.equal(pickCollation([]), 'utf8mb4_general_ci');
  });

  it('generates strong passwords that every config format and DSN takes as they are', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const p = generatePassword();
      assert.equal(p.length, 32);
      assert.match(p, /^[A-Za-z0-9][A-Za-z0-9._-]{30}[A-Za-z0-9]$/);
      assert.match(p, /[A-Z]/);
      assert.match(p, /[a-z]/);
      assert.match(p, /\d/);
      assert.match(p, /[-_.]/);
      assert.doesNotMatch(p, /[@/:?#%$'"\\`;=&~!\s]/);
      // A URL needs no percent-encoding for it.
      assert.equal(encodeURIComponent(p), p);
      seen.add(p);
    }
    assert.equal(seen.size, 500);
    assert.equal(generatePassword(24).length, 24);
    assert.throws(() => generatePassword(16), /at least 24/);
  });

  it('draws every character of the alphabet (no modulo bias hiding some)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 400; i++) for (const ch of generatePassword(64)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    assert.equal(counts.size, PASSWORD_ALPHABET.length);
  });
});
