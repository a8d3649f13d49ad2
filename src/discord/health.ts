/**
 * A liveness endpoint for supervisors (a container's HEALTHCHECK, a systemd watchdog script,
 * a load balancer): GET /healthz answers 200 when the index is loaded and the gateway is
 * ready, 503 otherwise, with the details as JSON. Off unless HEALTH_PORT is set; listens on
 * loopback by default. It says nothing a stranger could use: no ids, no settings.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthStatus {
  /** The engine (model and index) is loaded. */
  indexLoaded: boolean;
  /** The Discord gateway connection is ready (false while connecting or reconnecting). */
  gatewayReady: boolean;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/** The JSON body and status code for a status. */
export function healthResponse(status: HealthStatus): { code: number; body: { status: 'ok' | 'starting' | 'unavailable'; index: string; gateway: string } } {
  const healthy = status.indexLoaded && status.gatewayReady;
  return {
    code: healthy ? 200 : 503,
    body: {
      status: healthy ? 'ok' : status.indexLoaded ? 'unavailable' : 'starting',
      index: status.indexLoaded ? 'loaded' : 'loading',
      gateway: status.gatewayReady ? 'ready' : 'not ready',
    },
  };
}

export function startHealthServer(options: { port: number; host: string; status: () => HealthStatus }): Promise<HealthServer> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/healthz' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /healthz\n');
      return;
    }
    const { code, body } = healthResponse(options.status());
    response.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(request.method === 'HEAD' ? undefined : `${JSON.stringify(body)}\n`);
  });
  // A supervisor's probe should never keep the process alive on shutdown.
  server.keepAliveTimeout = 1000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      server.unref();
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
