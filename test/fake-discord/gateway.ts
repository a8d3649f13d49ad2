/**
 * The WebSocket gateway: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats, dispatches
 * with sequence numbers, and op 7 reconnect with RESUME.
 *
 * Each session keeps every dispatch it was sent. While the client is reconnecting,
 * dispatches are buffered, and RESUME replays those after the client's `seq`, as Discord
 * does; an interaction sent during a reconnect is therefore delivered late, not lost.
 *
 * Sharding follows Discord's formula (`(guild_id >> 22) % shard_count`), so a bot
 * started with several shards gets each guild's events on the right connection.
 */
import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { WebSocketServer, WebSocket } from 'ws';
import {
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  GatewayOpcodes,
  type APIUser,
  type GatewayIdentifyData,
  type GatewayRequestGuildMembersData,
  type GatewayResumeData,
} from 'discord-api-types/v10';
import type { FakeGuild } from './guilds.js';
import { Recorder } from './recorder.js';

export const PRIVILEGED_INTENTS = GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;
const ALL_INTENTS = Object.values(GatewayIntentBits)
  .filter((v): v is number => typeof v === 'number')
  .reduce((all, bit) => all | bit, 0);

export interface GatewayOptions {
  token: string;
  botUser: APIUser;
  applicationId: string;
  applicationFlags: number;
  guilds: readonly FakeGuild[];
  privilegedIntents: number;
  heartbeatIntervalMs: number;
  /** `ws://127.0.0.1:PORT`, known once the server listens. */
  baseUrl: () => string;
  log: (line: string) => void;
}

/** A payload the client sent. */
export interface ReceivedPayload {
  op: number;
  d: unknown;
  /** `/gateway` for a fresh connection, `/resume` for the resume URL. */
  path: string;
  at: number;
}

/** A client session (one per shard that identified). */
export interface GatewaySession {
  id: string;
  shard: [number, number];
  intents: number;
  identify: GatewayIdentifyData;
  socket: WebSocket | null;
  seq: number;
  /** Every dispatch sent (or buffered) on this session, with its sequence number. */
  sent: { t: string; s: number; d: unknown }[];
}

export interface ResumeResult {
  /** Milliseconds from the op 7 to the RESUMED dispatch. */
  ms: number;
  /** Dispatches replayed on resume (sent while the client was away). */
  replayed: number;
}

export class GatewayServer {
  readonly received = new Recorder<ReceivedPayload>('gateway payloads from the client');
  readonly identified = new Recorder<GatewaySession>('IDENTIFY');
  readonly resumed = new Recorder<{ session: GatewaySession; replayed: number; at: number }>('RESUME');
  /** Protocol problems the fake noticed (the client did something Discord would not accept). */
  readonly problems: string[] = [];
  readonly #sessions: GatewaySession[] = [];
  readonly #wss = new WebSocketServer({ noServer: true });

  constructor(private readonly options: GatewayOptions) {}

  get sessions(): readonly GatewaySession[] {
    return this.#sessions;
  }

  get url(): string {
    return `${this.options.baseUrl()}/gateway`;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'ws://fake.invalid');
    if (url.pathname !== '/gateway' && url.pathname !== '/resume') {
      socket.destroy();
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws, url));
  }

  /**
   * Sends a dispatch to the session that owns `guildId` (shard 0 for DMs). Returns false
   * when no client has identified for that shard.
   */
  dispatch(t: GatewayDispatchEvents, d: unknown, guildId: string | null): boolean {
    const session = this.sessionFor(guildId);
    if (!session) return false;
    this.#send(session, t, d);
    return true;
  }

  sessionFor(guildId: string | null): GatewaySession | undefined {
    return this.#sessions.find((s) => s.shard[0] === shardOf(guildId, s.shard[1]));
  }

  /** Sends op 7 on shard `shardId` and resolves once the client has resumed. */
  async reconnect(shardId = 0, timeoutMs = 5000): Promise<ResumeResult> {
    const session = this.#sessions.find((s) => s.shard[0] === shardId);
    if (!session?.socket) throw new Error(`FakeDiscord: no connected session on shard ${shardId} to reconnect`);
    const from = this.resumed.items.length;
    const started = performance.now();
    this.options.log(`gateway: op 7 RECONNECT to shard ${shardId}`);
    session.socket.send(JSON.stringify({ op: GatewayOpcodes.Reconnect, d: null }));
    // From here on Discord buffers the session's events for the RESUME; so does the fake,
    // which makes "a dispatch during a reconnect" deterministic. The client closes the old socket.
    session.socket = null;
    const resumed = await this.resumed.waitFor((r) => r.session === session, { timeoutMs, from, what: 'the client to RESUME after op 7' });
    return { ms: Math.round(resumed.at - started), replayed: resumed.replayed };
  }

  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    const reason = new Error('FakeDiscord: closed');
    this.received.close(reason);
    this.identified.close(reason);
    this.resumed.close(reason);
  }

  #onConnection(ws: WebSocket, url: URL): void {
    const path = url.pathname;
    this.options.log(`gateway: connection on ${path}${url.search}`);
    if (url.searchParams.get('v') !== '10' || url.searchParams.get('encoding') !== 'json') {
      this.#problem(`client connected with ${url.search}; the fake speaks v=10&encoding=json only`);
      ws.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version');
      return;
    }
    if (url.searchParams.has('compress')) {
      // zlib-sync got installed: discord.js then expects zlib-stream frames.
      this.#problem(`client asked for compress=${url.searchParams.get('compress')}; keep zlib-sync out of the dependencies`);
      ws.close(GatewayCloseCodes.DecodeError, 'compression not supported by the fake');
      return;
    }
    let session: GatewaySession | null = null;
    ws.on('message', (raw) => {
      let payload: { op?: unknown; d?: unknown };
      try {
        payload = JSON.parse(String(raw));
      } catch {
        this.#problem('client sent a frame that is not JSON');
        ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
        return;
      }
      const op = typeof payload.op === 'number' ? payload.op : -1;
      this.received.push({ op, d: payload.d, path, at: performance.now() });
      switch (op) {
        case GatewayOpcodes.Heartbeat:
          ws.send(JSON.stringify({ op: GatewayOpcodes.HeartbeatAck }));
          return;
        case GatewayOpcodes.Identify:
          if (session) return void ws.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
          session = this.#identify(ws, payload.d as GatewayIdentifyData);
          return;
        case GatewayOpcodes.Resume:
          if (session) return void ws.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
          session = this.#resume(ws, payload.d as GatewayResumeData);
          return;
        case GatewayOpcodes.RequestGuildMembers:
          if (!session) return void ws.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
          this.#guildMembers(session, payload.d as GatewayRequestGuildMembersData);
          return;
        case GatewayOpcodes.PresenceUpdate:
        case GatewayOpcodes.VoiceStateUpdate:
          if (!session) ws.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
          return;
        default:
          this.#problem(`client sent unknown opcode ${String(payload.op)}`);
          ws.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
      }
    });
    ws.on('close', (code) => {
      this.options.log(`gateway: client closed ${path} with ${code}`);
      if (session?.socket === ws) session.socket = null;
    });
    ws.send(JSON.stringify({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs } }));
  }

  #identify(ws: WebSocket, data: GatewayIdentifyData): GatewaySession | null {
    if (data?.token !== this.options.token) {
      ws.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return null;
    }
    const intents = data.intents;
    if (typeof intents !== 'number' || (intents & ~ALL_INTENTS) !== 0) {
      ws.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
      return null;
    }
    if (intents & PRIVILEGED_INTENTS & ~this.options.privilegedIntents) {
      ws.close(GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s).');
      return null;
    }
    const [shardId, shardCount] = data.shard ?? [0, 1];
    if (shardId < 0 || shardId >= shardCount) {
      ws.close(GatewayCloseCodes.InvalidShard, 'Invalid shard.');
      return null;
    }
    // A new IDENTIFY for a shard replaces its previous session (Discord invalidates it too).
    const previous = this.#sessions.findIndex((s) => s.shard[0] === shardId);
    if (previous !== -1) this.#sessions.splice(previous, 1);
    const session: GatewaySession = {
      id: randomBytes(16).toString('hex'),
      shard: [shardId, shardCount],
      intents,
      identify: data,
      socket: ws,
      seq: 0,
      sent: [],
    };
    this.#sessions.push(session);
    this.options.log(`gateway: IDENTIFY shard ${shardId}/${shardCount} intents ${intents}`);
    const guilds = this.options.guilds.filter((g) => shardOf(g.id, shardCount) === shardId);
    this.#send(session, GatewayDispatchEvents.Ready, {
      v: 10,
      user: this.options.botUser,
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: `${this.options.baseUrl()}/resume`,
      shard: [shardId, shardCount],
      application: { id: this.options.applicationId, flags: this.options.applicationFlags },
    });
    // discord.js stays "not ready" (waitGuildTimeout) until each unavailable guild arrives.
    for (const guild of guilds) this.#send(session, GatewayDispatchEvents.GuildCreate, guild.toGuildCreate());
    this.identified.push(session);
    return session;
  }

  #resume(ws: WebSocket, data: GatewayResumeData): GatewaySession | null {
    if (data?.token !== this.options.token) {
      ws.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return null;
    }
    const session = this.#sessions.find((s) => s.id === data.session_id);
    if (!session) {
      // Unknown session: op 9 with d=false makes the client identify afresh.
      ws.send(JSON.stringify({ op: GatewayOpcodes.InvalidSession, d: false }));
      return null;
    }
    session.socket?.terminate();
    session.socket = ws;
    const missed = session.sent.filter((p) => p.s > data.seq);
    for (const p of missed) ws.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, t: p.t, s: p.s, d: p.d }));
    this.#send(session, GatewayDispatchEvents.Resumed, {});
    this.options.log(`gateway: RESUME session ${session.id} from seq ${data.seq}, replayed ${missed.length}`);
    this.resumed.push({ session, replayed: missed.length, at: performance.now() });
    return session;
  }

  #guildMembers(session: GatewaySession, data: GatewayRequestGuildMembersData): void {
    const guild = this.options.guilds.find((g) => g.id === data.guild_id);
    if (!guild) return;
    const userIds = 'user_ids' in data && data.user_ids ? [data.user_ids].flat() : null;
    const query = 'query' in data ? (data.query ?? '') : '';
    const members = guild.members
      .filter((m) => (userIds ? userIds.includes(m.user.id) : m.user.username.toLowerCase().startsWith(query.toLowerCase())))
      .slice(0, (data as { limit?: number }).limit || undefined);
    this.#send(session, GatewayDispatchEvents.GuildMembersChunk, {
      guild_id: guild.id,
      members,
      chunk_index: 0,
      chunk_count: 1,
      ...(userIds ? { not_found: userIds.filter((id) => !members.some((m) => m.user.id === id)) } : {}),
      ...(data.nonce ? { nonce: data.nonce } : {}),
    });
  }

  #send(session: GatewaySession, t: string, d: unknown): void {
    const s = ++session.seq;
    // RESUMED is part of the resume handshake, not of the replayable stream.
    if (t !== GatewayDispatchEvents.Resumed) session.sent.push({ t, s, d });
    if (session.socket?.readyState === WebSocket.OPEN) {
      session.socket.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, t, s, d }));
    } else {
      this.options.log(`gateway: buffered ${t} (s=${s}) while the client is away`);
    }
  }

  #problem(text: string): void {
    this.problems.push(text);
    this.options.log(`gateway problem: ${text}`);
  }
}

/** Discord's shard formula; DMs go to shard 0. */
export function shardOf(guildId: string | null, shardCount: number): number {
  return guildId ? Number((BigInt(guildId) >> 22n) % BigInt(shardCount)) : 0;
}
