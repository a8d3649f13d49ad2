/**
 * HTTP plumbing for the REST API: body parsing (JSON or multipart), a small router over
 * Discord-style path patterns, and the JSON replies.
 *
 * Paths are split on `/` first and each segment decoded after: discord.js sends
 * `@original` as `%40original`, and tokens or emoji in a segment may be encoded too.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiErrors } from './errors.js';
import type { UploadedFile } from './types.js';

export interface ParsedRequest {
  method: string;
  /** Decoded path after the API prefix. */
  path: string;
  segments: string[];
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  files: UploadedFile[];
  /** Set when the body was not valid JSON. */
  malformed: boolean;
}

export interface Reply {
  status: number;
  /** JSON body; omitted for 204. */
  body?: unknown;
}

export type Handler = (request: ParsedRequest, params: Record<string, string>) => Reply | Promise<Reply>;

interface Route {
  method: string;
  pattern: string;
  parts: string[];
  /** Bot-token routes; interaction callbacks and webhooks are authorised by their token in the path. */
  auth: boolean;
  handler: Handler;
}

export class Router {
  readonly #routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler, { auth = true }: { auth?: boolean } = {}): void {
    this.#routes.push({ method, pattern, parts: pattern.split('/').filter(Boolean), auth, handler });
  }

  match(method: string, segments: string[]): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.#routes) {
      if (route.method !== method || route.parts.length !== segments.length) continue;
      const params: Record<string, string> = {};
      const ok = route.parts.every((part, i) => {
        const segment = segments[i] ?? '';
        if (part.startsWith(':')) {
          params[part.slice(1)] = segment;
          return true;
        }
        return part === segment;
      });
      if (ok) return { route, params };
    }
    return undefined;
  }
}

export async function readRequest(req: IncomingMessage, prefix: string): Promise<ParsedRequest> {
  const url = new URL(req.url ?? '/', 'http://fake.invalid');
  const rawPath = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
  const segments = rawPath.split('/').filter(Boolean).map(safeDecode);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const parsed = await parseBody(raw, headers['content-type'] ?? '');
  return {
    method: req.method ?? 'GET',
    path: `/${segments.join('/')}`,
    segments,
    query: Object.fromEntries(url.searchParams),
    headers,
    ...parsed,
  };
}

async function parseBody(raw: Buffer, contentType: string): Promise<{ body: unknown; files: UploadedFile[]; malformed: boolean }> {
  if (raw.length === 0) return { body: undefined, files: [], malformed: false };
  if (contentType.startsWith('multipart/form-data')) {
    // undici's FormData parser understands exactly what @discordjs/rest (undici) produced.
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    let body: unknown;
    let malformed = false;
    const files: UploadedFile[] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') {
          try {
            body = JSON.parse(value);
          } catch {
            malformed = true;
          }
        }
        continue;
      }
      const data = Buffer.from(await value.arrayBuffer());
      files.push({ field, name: value.name, size: data.length, contentType: value.type || 'application/octet-stream', data, text: () => data.toString('utf8') });
    }
    return { body, files, malformed };
  }
  try {
    return { body: JSON.parse(raw.toString('utf8')), files: [], malformed: false };
  } catch {
    return { body: raw.toString('utf8'), files: [], malformed: true };
  }
}

export function sendJson(res: ServerResponse, reply: Reply): void {
  if (reply.body === undefined) {
    res.writeHead(reply.status).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

/** 401 unless the request carries `Authorization: Bot <token>`. */
export function checkAuth(request: ParsedRequest, token: string): void {
  if (request.headers.authorization !== `Bot ${token}`) throw apiErrors.unauthorized();
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
