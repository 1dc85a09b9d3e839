// A SPDY/3.1 connection over any byte transport (a socket, or WebSocket messages for the
// tunnelled port-forward): streams as Node Duplexes, PING answered, SETTINGS/WINDOW_UPDATE
// accepted and ignored (spdystream does no flow control either), GOAWAY on close.

import { Duplex } from 'node:stream';
import {
  decodeHeaderBlock, encodeFrame, encodeHeaderBlock, FLAG_FIN, FrameParser, HeaderCompressor, HeaderDecompressor,
  RstStatus, type SpdyFrame, type SpdyHeaders,
} from './spdy.js';

export interface SpdyTransport {
  write(bytes: Buffer): void;
  /** Ends the underlying connection. */
  close(): void;
}

/** Data frames are cut to this size, as spdystream does. */
const DATA_CHUNK = 32 * 1024;

export class SpdyStream extends Duplex {
  /** Set once the peer's FIN (or a reset) arrived. */
  remoteClosed = false;
  private localClosed = false;
  private replied = false;
  replyHeaders: Promise<SpdyHeaders>;
  private resolveReply!: (h: SpdyHeaders) => void;

  constructor(private readonly session: SpdySession, readonly id: number, readonly headers: SpdyHeaders) {
    super({ allowHalfOpen: true });
    this.replyHeaders = new Promise((r) => (this.resolveReply = r));
  }

  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()]?.[0];
  }

  /** SYN_REPLY (the server's acceptance of a client stream). */
  reply(headers: Record<string, string | string[]> = {}, fin = false): void {
    if (this.replied) return;
    this.replied = true;
    this.session.sendHeaders('syn_reply', this.id, headers, fin ? FLAG_FIN : 0);
    if (fin) this.localClosed = true;
  }

  override _read(): void {
    // Incoming data is pushed as frames arrive.
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (this.localClosed || this.session.closed) return cb();
    for (let off = 0; off < chunk.length; off += DATA_CHUNK) {
      this.session.send({ type: 'data', streamId: this.id, flags: 0, data: chunk.subarray(off, off + DATA_CHUNK) });
    }
    cb();
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.sendFin();
    cb();
  }

  /** Half-closes our side (data frame with FIN). */
  sendFin(): void {
    if (this.localClosed || this.session.closed) return;
    this.localClosed = true;
    this.session.send({ type: 'data', streamId: this.id, flags: FLAG_FIN, data: Buffer.alloc(0) });
    this.session.maybeForget(this);
  }

  /** Aborts the stream both ways. */
  reset(status: number = RstStatus.CANCEL): void {
    if (!this.session.closed && !(this.localClosed && this.remoteClosed)) this.session.send({ type: 'rst_stream', streamId: this.id, status });
    this.localClosed = true;
    this.onRemoteClose();
  }

  get fullyClosed(): boolean {
    return this.localClosed && this.remoteClosed;
  }

  /** @internal */
  onData(data: Buffer, fin: boolean): void {
    if (this.remoteClosed) return;
    if (data.length) this.push(data);
    if (fin) this.onRemoteClose();
  }

  /** @internal */
  onRemoteClose(): void {
    if (this.remoteClosed) return;
    this.remoteClosed = true;
    this.push(null);
    this.session.maybeForget(this);
  }

  /** @internal */
  onPeerReset(): void {
    this.localClosed = true;
    this.onRemoteClose();
    this.destroy();
  }

  /** @internal */
  onReply(h: SpdyHeaders, fin: boolean): void {
    this.resolveReply(h);
    if (fin) this.onRemoteClose();
  }
}

export interface SpdySessionOptions {
  /** Server sessions accept streams (odd ids from the client); client sessions open them. */
  server: boolean;
  onStream?: (stream: SpdyStream) => void;
  onClose?: () => void;
  onError?: (e: Error) => void;
}

export class SpdySession {
  closed = false;
  private readonly parser = new FrameParser();
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private nextStreamId: number;
  private nextPingId: number;
  private lastRemoteStream = 0;
  private incoming: Promise<void> = Promise.resolve();
  private readonly pings = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private streamHandler: ((s: SpdyStream) => void) | undefined;
  private readonly closeListeners: (() => void)[] = [];

  constructor(private readonly transport: SpdyTransport, private readonly opts: SpdySessionOptions) {
    this.nextStreamId = opts.server ? 2 : 1;
    this.nextPingId = opts.server ? 2 : 1;
    this.streamHandler = opts.onStream;
    if (opts.onClose) this.closeListeners.push(opts.onClose);
  }

  /** Who receives the peer's new streams (replaces the constructor's onStream). */
  setStreamHandler(cb: (s: SpdyStream) => void): void {
    this.streamHandler = cb;
  }

  /** Called once when the session ends, whoever ended it. */
  addCloseListener(cb: () => void): void {
    if (this.closed) cb();
    else this.closeListeners.push(cb);
  }

  /** Bytes from the transport, in order. */
  receive(chunk: Buffer): void {
    if (this.closed) return;
    let frames: SpdyFrame[];
    try {
      frames = this.parser.push(chunk);
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    for (const f of frames) {
      this.incoming = this.incoming.then(() => this.handle(f)).catch((e: Error) => this.fail(e));
    }
  }

  /** Waits until every frame received so far has been handled (tests). */
  drained(): Promise<void> {
    return this.incoming;
  }

  /** @internal */
  send(f: SpdyFrame): void {
    if (this.closed) return;
    this.transport.write(encodeFrame(f));
  }

  /** @internal */
  sendHeaders(kind: 'syn_reply' | 'headers', streamId: number, headers: Record<string, string | string[]>, flags: number): void {
    this.send({ type: kind, streamId, flags, headerBlock: this.compressor.compress(encodeHeaderBlock(headers)) });
  }

  /** Opens a stream (client role; also usable by servers for pushed streams). */
  openStream(headers: Record<string, string | string[]>, fin = false): SpdyStream {
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const lower: SpdyHeaders = {};
    for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = Array.isArray(v) ? v : [v];
    const s = new SpdyStream(this, id, lower);
    this.streams.set(id, s);
    this.send({ type: 'syn_stream', streamId: id, associatedStreamId: 0, priority: 0, flags: fin ? FLAG_FIN : 0, headerBlock: this.compressor.compress(encodeHeaderBlock(headers)) });
    return s;
  }

  /** Resolves when the peer echoes the ping; rejects if the session ends first. */
  ping(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('session closed'));
    const id = this.nextPingId;
    this.nextPingId += 2;
    return new Promise((resolve, reject) => {
      this.pings.set(id, { resolve, reject });
      this.send({ type: 'ping', id });
    });
  }

  /** GOAWAY, then the transport is closed; open streams end. */
  close(): void {
    if (this.closed) return;
    this.send({ type: 'goaway', lastGoodStreamId: this.lastRemoteStream, status: 0 });
    this.teardown();
  }

  /** @internal */
  maybeForget(s: SpdyStream): void {
    if (s.fullyClosed) this.streams.delete(s.id);
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.onRemoteClose();
    this.streams.clear();
    for (const p of this.pings.values()) p.reject(new Error('session closed'));
    this.pings.clear();
    this.decompressor.close();
    this.transport.close();
    for (const cb of this.closeListeners.splice(0)) cb();
  }

  /** The transport went away: frames already received are still delivered first. */
  transportClosed(): void {
    this.incoming = this.incoming.then(() => this.teardown());
  }

  private fail(e: Error): void {
    this.opts.onError?.(e);
    if (!this.closed) this.send({ type: 'goaway', lastGoodStreamId: this.lastRemoteStream, status: 1 });
    this.teardown();
  }

  private async handle(f: SpdyFrame): Promise<void> {
    if (this.closed) return;
    switch (f.type) {
      case 'data': {
        const s = this.streams.get(f.streamId);
        if (!s) {
          this.send({ type: 'rst_stream', streamId: f.streamId, status: RstStatus.INVALID_STREAM });
          return;
        }
        s.onData(f.data, (f.flags & FLAG_FIN) !== 0);
        return;
      }
      case 'syn_stream': {
        // Header blocks must be inflated even for streams we refuse, to keep the zlib context in step.
        const headers = decodeHeaderBlock(await this.decompressor.decompress(f.headerBlock));
        if (this.closed) return;
        if (this.streams.has(f.streamId) || f.streamId % 2 === this.nextStreamId % 2) {
          this.send({ type: 'rst_stream', streamId: f.streamId, status: RstStatus.PROTOCOL_ERROR });
          return;
        }
        this.lastRemoteStream = Math.max(this.lastRemoteStream, f.streamId);
        const s = new SpdyStream(this, f.streamId, headers);
        this.streams.set(f.streamId, s);
        if (f.flags & FLAG_FIN) s.onRemoteClose();
        if (this.streamHandler) this.streamHandler(s);
        else s.reset(RstStatus.REFUSED_STREAM);
        return;
      }
      case 'syn_reply':
      case 'headers': {
        const headers = decodeHeaderBlock(await this.decompressor.decompress(f.headerBlock));
        const s = this.streams.get(f.streamId);
        if (!s) return;
        if (f.type === 'syn_reply') s.onReply(headers, (f.flags & FLAG_FIN) !== 0);
        else if (f.flags & FLAG_FIN) s.onRemoteClose();
        return;
      }
      case 'rst_stream': {
        const s = this.streams.get(f.streamId);
        if (s) {
          s.onPeerReset();
          this.streams.delete(f.streamId);
        }
        return;
      }
      case 'ping': {
        // Our own pings come back with our parity; the peer's are echoed.
        const ours = f.id % 2 === this.nextPingId % 2;
        if (ours) {
          this.pings.get(f.id)?.resolve();
          this.pings.delete(f.id);
        } else this.send({ type: 'ping', id: f.id });
        return;
      }
      case 'goaway':
        this.teardown();
        return;
      case 'settings':
      case 'window_update':
      case 'unknown':
        return;
    }
  }
}
