import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headerValue, requestUrl } from './listen.js';
import { warningHeader } from './render.js';

test('request targets never throw and never name a host', () => {
  assert.equal(requestUrl('//evil.example.com/api/v1/pods?x=1')?.pathname, '//evil.example.com/api/v1/pods');
  assert.equal(requestUrl('/api/v1/pods?limit=1')?.searchParams.get('limit'), '1');
  assert.equal(requestUrl('http://host:1/api?x=1')?.pathname, '/api');
  assert.equal(requestUrl('*'), undefined);
  assert.equal(requestUrl('ftp://x/'), undefined);
});

test('header values carry UTF-8 as Go writes it and lose only control characters', () => {
  assert.equal(headerValue('299 - "ok"'), '299 - "ok"');
  assert.equal(Buffer.from(headerValue('é😀\ufffd'), 'latin1').toString('utf8'), 'é😀\ufffd');
  assert.equal(headerValue('a\nb\u0001c'), 'a b c');
  assert.equal(warningHeader('unknown field "a\\b"'), '299 - "unknown field \\"a\\\\b\\""');
});
