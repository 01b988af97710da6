import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readStoredText, storedText } from '../src/storage/stored-text';

void describe('stored text (PostgreSQL text cannot hold U+0000)', () => {
  void it('keeps ordinary text as it is', () => {
    for (const text of ['', 'plain words', 'emoji 💸 and "quotes" \\ backslashes', '\u202e\ufeff']) assert.deepEqual(storedText(text), { text, encoding: 'plain' });
  });

  void it('encodes U+0000 and lone surrogates, and reads them back unchanged', () => {
    for (const text of ['a\u0000b', '\u0000', 'lone \ud800 high', 'lone \udc00 low', 'pair 💸 and \u0000']) {
      const stored = storedText(text);
      assert.equal(stored.encoding, 'json', JSON.stringify(text));
      assert.ok(!stored.text.includes('\u0000'));
      assert.equal(readStoredText(stored.text, stored.encoding), text);
    }
  });
});
