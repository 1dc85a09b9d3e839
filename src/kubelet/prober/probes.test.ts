import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createH2, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { decodeHealthResponse, encodeHealthRequest, grpcProbe, httpProbe, tcpProbe } from './probes.js';

describe('probes against loopback servers', () => {
  let http: Server;
  let h2: Http2Server;
  let httpPort = 0;
  let h2Port = 0;
  let h2Status = 1;
  before(async () => {
    http = createServer((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { location: '/' });
        return res.end();
      }
      res.writeHead(req.url === '/bad' ? 500 : 200);
      res.end(req.headers['x-probe'] ?? 'ok');
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    httpPort = (http.address() as AddressInfo).port;
    h2 = createH2();
    h2.on('stream', (stream) => {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        const body = Buffer.from([0, 0, 0, 0, 2, 0x08, h2Status]);
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(body);
      });
    });
    await new Promise<void>((r) => h2.listen(0, '127.0.0.1', r));
    h2Port = (h2.address() as AddressInfo).port;
  });
  after(() => {
    http.close();
    h2.close();
  });

  test('httpGet: 2xx and 3xx pass, others fail with upstream text, refused connections too', async () => {
    assert.equal((await httpProbe({ port: httpPort, path: '/' }, '127.0.0.1', httpPort, 1000)).result, 'success');
    assert.equal((await httpProbe({ port: httpPort, path: '/redirect' }, '127.0.0.1', httpPort, 1000)).result, 'success');
    assert.deepEqual(await httpProbe({ port: httpPort, path: '/bad' }, '127.0.0.1', httpPort, 1000), { result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
    const hdr = await httpProbe({ port: httpPort, httpHeaders: [{ name: 'X-Probe', value: 'yes' }] }, '127.0.0.1', httpPort, 1000);
    assert.equal(hdr.output, 'yes');
    const closed = await httpProbe({ port: 1 }, '127.0.0.1', 1, 1000);
    assert.deepEqual(closed, { result: 'failure', output: 'Get "http://127.0.0.1:1/": dial tcp 127.0.0.1:1: connect: connection refused' });
  });
  test('tcpSocket', async () => {
    assert.equal((await tcpProbe('127.0.0.1', httpPort, 1000)).result, 'success');
    assert.deepEqual(await tcpProbe('127.0.0.1', 1, 1000), { result: 'failure', output: 'dial tcp 127.0.0.1:1: connect: connection refused' });
  });
  test('grpc health', async () => {
    h2Status = 1;
    assert.equal((await grpcProbe('127.0.0.1', h2Port, '', 1000)).result, 'success');
    h2Status = 2;
    assert.deepEqual(await grpcProbe('127.0.0.1', h2Port, 'svc', 1000), { result: 'failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
  });
  test('health protobuf framing', () => {
    assert.deepEqual([...encodeHealthRequest('')], [0, 0, 0, 0, 0]);
    assert.deepEqual([...encodeHealthRequest('ab')], [0, 0, 0, 0, 4, 0x0a, 2, 0x61, 0x62]);
    assert.equal(decodeHealthResponse(Buffer.from([0, 0, 0, 0, 2, 0x08, 1])), 1);
    assert.equal(decodeHealthResponse(Buffer.from([0, 0, 0, 0, 0])), 0);
  });
});
