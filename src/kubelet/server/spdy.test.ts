// SPDY/3.1 framing: byte layouts, round trips, incremental parsing, header compression interop.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync, inflateSync, constants as zc, createDeflate } from 'node:zlib';
import {
  decodeHeaderBlock, encodeFrame, encodeHeaderBlock, FLAG_FIN, FrameParser, HeaderCompressor, HeaderDecompressor, SpdyProtocolError, type SpdyFrame,
} from './spdy.js';
import { SPDY3_DICTIONARY } from './spdy-dictionary.js';
import { SpdySession, type SpdyStream } from './spdy-session.js';

describe('SPDY frames', () => {
  test('the dictionary is the 1423 bytes of the spec', () => {
    assert.equal(SPDY3_DICTIONARY.length, 1423);
    assert.equal(SPDY3_DICTIONARY.subarray(0, 11).toString('latin1'), '\0\0\0\x07options');
    assert.ok(SPDY3_DICTIONARY.toString('latin1').endsWith(',*,enq=0.'));
  });

  const layouts: [string, SpdyFrame, string][] = [
    ['data with FIN', { type: 'data', streamId: 5, flags: FLAG_FIN, data: Buffer.from('hi') }, '00000005 01000002 6869'],
    ['ping', { type: 'ping', id: 7 }, '80030006 00000004 00000007'],
    ['rst_stream', { type: 'rst_stream', streamId: 3, status: 5 }, '80030003 00000008 00000003 00000005'],
    ['goaway', { type: 'goaway', lastGoodStreamId: 9, status: 0 }, '80030007 00000008 00000009 00000000'],
    ['window_update', { type: 'window_update', streamId: 1, delta: 65536 }, '80030009 00000008 00000001 00010000'],
    ['settings', { type: 'settings', flags: 0, entries: [{ flags: 1, id: 7, value: 65536 }] }, '80030004 0000000c 00000001 01000007 00010000'],
    ['syn_stream', { type: 'syn_stream', streamId: 1, associatedStreamId: 0, priority: 2, flags: 0, headerBlock: Buffer.from('ab') }, '80030001 0000000c 00000001 00000000 4000 6162'],
    ['syn_reply', { type: 'syn_reply', streamId: 1, flags: FLAG_FIN, headerBlock: Buffer.from('z') }, '80030002 01000005 00000001 7a'],
  ];
  for (const [name, frame, hex] of layouts) {
    test(`encodes ${name}`, () => {
      const bytes = encodeFrame(frame);
      assert.equal(bytes.toString('hex'), hex.replace(/ /g, ''));
      assert.deepEqual(new FrameParser().push(bytes), [frame]);
    });
  }

  test('parses frames split at any byte and several in one chunk', () => {
    const frames: SpdyFrame[] = [
      { type: 'ping', id: 1 },
      { type: 'data', streamId: 3, flags: 0, data: Buffer.from('hello world') },
      { type: 'rst_stream', streamId: 3, status: 5 },
    ];
    const all = Buffer.concat(frames.map(encodeFrame));
    for (let cut = 0; cut <= all.length; cut++) {
      const p = new FrameParser();
      assert.deepEqual([...p.push(all.subarray(0, cut)), ...p.push(all.subarray(cut))], frames, `cut at ${cut}`);
    }
  });

  test('refuses another SPDY version and short control frames', () => {
    const v2 = encodeFrame({ type: 'ping', id: 1 });
    v2.writeUInt16BE(0x8002, 0);
    assert.throws(() => new FrameParser().push(v2), SpdyProtocolError);
    const short = Buffer.from('800300030000000400000001', 'hex');
    assert.throws(() => new FrameParser().push(short), /RST_STREAM frame too short/);
  });
});

describe('SPDY header blocks', () => {
  test('name/value pairs, names lower-cased, multiple values NUL-separated', () => {
    const raw = encodeHeaderBlock({ streamType: 'data', Port: '80', multi: ['a', 'b'] });
    assert.equal(raw.readUInt32BE(0), 3);
    assert.deepEqual(decodeHeaderBlock(raw), { streamtype: ['data'], port: ['80'], multi: ['a', 'b'] });
    assert.throws(() => decodeHeaderBlock(raw.subarray(0, raw.length - 1)), /truncated/);
  });

  test('our compressed blocks are one zlib stream with the SPDY dictionary', () => {
    const c = new HeaderCompressor();
    const a = c.compress(encodeHeaderBlock({ streamtype: 'error' }));
    const b = c.compress(encodeHeaderBlock({ streamtype: 'stdout' }));
    // FDICT set, dictionary id = adler32 of the dictionary
    assert.equal(a[1] & 0x20, 0x20);
    assert.equal(a.subarray(2, 6).toString('hex'), 'e3c6a7c2');
    // Each block ends with the sync-flush marker: Go's inflater needs it to release the bytes.
    assert.equal(b.subarray(-5).toString('hex'), '000000ffff');
    const whole = inflateSync(Buffer.concat([a, b]), { dictionary: SPDY3_DICTIONARY, finishFlush: zc.Z_SYNC_FLUSH });
    assert.equal(whole.length, encodeHeaderBlock({ streamtype: 'error' }).length + encodeHeaderBlock({ streamtype: 'stdout' }).length);
  });

  test('inflates a peer zlib stream (dictionary, sync flush per block) block by block', async () => {
    const deflate = createDeflate({ dictionary: SPDY3_DICTIONARY, level: 9 });
    const chunks: Buffer[] = [];
    deflate.on('data', (c: Buffer) => chunks.push(c));
    const block = async (h: Record<string, string>) => {
      deflate.write(encodeHeaderBlock(h));
      await new Promise<void>((r) => deflate.flush(zc.Z_SYNC_FLUSH, () => r()));
      const out = Buffer.concat(chunks);
      chunks.length = 0;
      return out;
    };
    const d = new HeaderDecompressor();
    const first = await block({ streamtype: 'data', port: '8080', requestid: '0' });
    const second = await block({ streamtype: 'error', port: '8080', requestid: '0' });
    assert.deepEqual(decodeHeaderBlock(await d.decompress(first)), { streamtype: ['data'], port: ['8080'], requestid: ['0'] });
    assert.deepEqual(decodeHeaderBlock(await d.decompress(second)), { streamtype: ['error'], port: ['8080'], requestid: ['0'] });
    d.close();
    deflate.close();
  });

  test('a block without the dictionary fails', async () => {
    const d = new HeaderDecompressor();
    await assert.rejects(d.decompress(deflateSync(Buffer.from('x'), { dictionary: Buffer.from('other') })), SpdyProtocolError);
    d.close();
  });
});

/** Everything a stream delivers until its FIN (without destroying it, as for-await would). */
function readAll(s: SpdyStream): Promise<string> {
  const got: Buffer[] = [];
  return new Promise((resolve) => {
    s.on('data', (c: Buffer) => got.push(c));
    s.once('end', () => resolve(Buffer.concat(got).toString()));
  });
}

describe('SPDY session', () => {
  function pair() {
    let server!: SpdySession;
    let client!: SpdySession;
    const accepted: SpdyStream[] = [];
    server = new SpdySession({ write: (b) => client.receive(b), close: () => client.transportClosed() }, { server: true, onStream: (s) => { s.reply(); accepted.push(s); } });
    client = new SpdySession({ write: (b) => server.receive(b), close: () => server.transportClosed() }, { server: false });
    return { server, client, accepted };
  }

  test('streams carry data both ways, FIN ends them, pings are answered', async () => {
    const { server, client, accepted } = pair();
    const s = client.openStream({ streamType: 'stdin' });
    s.write(Buffer.from('to server'));
    s.end();
    await server.drained();
    assert.equal(accepted.length, 1);
    assert.equal(accepted[0].header('streamtype'), 'stdin');
    assert.deepEqual(await s.replyHeaders, {});
    assert.equal(await readAll(accepted[0]), 'to server');
    accepted[0].end(Buffer.from('to client'));
    assert.equal(await readAll(s), 'to client');
    await client.ping();
    client.close();
    // Frames already received are handled before the transport's end tears the session down.
    await server.drained();
    assert.ok(server.closed);
  });

  test('data for an unknown stream is answered with RST_STREAM', () => {
    const sent: SpdyFrame[] = [];
    const p = new FrameParser();
    const server = new SpdySession({ write: (b) => sent.push(...p.push(b)), close: () => undefined }, { server: true });
    server.receive(encodeFrame({ type: 'data', streamId: 1, flags: 0, data: Buffer.from('x') }));
    return server.drained().then(() => assert.deepEqual(sent, [{ type: 'rst_stream', streamId: 1, status: 2 }]));
  });
});
