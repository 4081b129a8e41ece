import * as assert from 'node:assert/strict';
import { DEFAULT_GENERATED_LENGTH, MIN_GENERATED_LENGTH, PASSWORD_ALPHABET, generatePassword } from '../../src/password';

describe('generatePassword', () => {
  it('uses an alphabet of 60+ distinct symbols, free of quotes, spaces and backslashes', () => {
    assert.ok(PASSWORD_ALPHABET.length >= 60);
    assert.equal(new Set(PASSWORD_ALPHABET).size, PASSWORD_ALPHABET.length);
    assert.doesNotMatch(PASSWORD_ALPHABET, /[\s'"`\\$&?#%/<>]/);
  });

  it('defaults to 24 characters', () => {
    assert.equal(DEFAULT_GENERATED_LENGTH, 24);
    assert.equal(generatePassword().length, 24);
  });

  it('honours the length and enforces at least 20', () => {
    assert.equal(generatePassword(40).length, 40);
    assert.equal(generatePassword(MIN_GENERATED_LENGTH).length, 20);
    assert.equal(generatePassword(5).length, 20);
    assert.equal(generatePassword(0).length, 20);
    assert.equal(generatePassword(-3).length, 20);
    assert.equal(generatePassword(Number.NaN).length, 24);
    assert.equal(generatePassword(21.7).length, 21);
  });

  it('draws only from the alphabet', () => {
    for (let i = 0; i < 50; i++) {
      for (const ch of generatePassword(64)) assert.ok(PASSWORD_ALPHABET.includes(ch), ch);
    }
  });

  it('is not repetitive and covers the alphabet roughly uniformly', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(generatePassword());
    assert.equal(seen.size, 200);

    const counts = new Map<string, number>();
    const n = 70_000;
    const sample = Array.from({ length: n / 250 }, () => generatePassword(250)).join('');
    for (const ch of sample) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    assert.equal(counts.size, PASSWORD_ALPHABET.length);
    const expected = sample.length / PASSWORD_ALPHABET.length;
    for (const [ch, c] of counts) assert.ok(Math.abs(c - expected) < expected * 0.25, `${ch}: ${c} vs ${expected}`);
  });
});

describe('generatePassword, first character', () => {
  it('never starts with a character a spreadsheet reads as a formula', () => {
    for (let i = 0; i < 2000; i++) assert.match(generatePassword(), /^[A-Za-z0-9]/);
  });
});
