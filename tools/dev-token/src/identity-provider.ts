import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureDevIssuerKeys, mintDevToken } from '@stac/auth';
import { TokenAskError, tokenRequest } from './token-request';

export interface DevIdentityProviderOptions {
  /** Where the dev issuer's key pair lives (created on first start). */
  dir: string;
  host: string;
  port: number;
  audience: string;
}

export interface DevIdentityProvider {
  url: string;
  close(): Promise<void>;
}

const MAX_BODY = 4096;

/**
 * The development identity provider of the compose local profile: the dev issuer's public JWKS at
 * `GET /jwks.json` (what the services fetch, as from a real identity provider) and `POST /token`, which
 * mints an access token for `{agency, roles, sub, ttl}` without a login. Development only: it hands a
 * token to anyone who can reach it, so the services refuse its issuer unless NODE_ENV is development.
 */
export async function startDevIdentityProvider(o: DevIdentityProviderOptions): Promise<DevIdentityProvider> {
  const { jwksFile } = await ensureDevIssuerKeys(o.dir);
  const jwks = readFileSync(jwksFile, 'utf8');

  const reply = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const problem = (res: ServerResponse, status: number, title: string, detail?: string) =>
    reply(res, status, { type: 'about:blank', title, status, ...(detail ? { detail } : {}) }, 'application/problem+json');

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      let size = 0;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) reject(new TokenAskError('body too large'));
        else chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://dev-idp').pathname;
    if (req.method === 'GET' && path === '/jwks.json') return reply(res, 200, jwks);
    if (req.method === 'GET' && path === '/health') return reply(res, 200, { status: 'ok' });
    if (path !== '/token') return problem(res, 404, 'Not Found');
    if (req.method !== 'POST') return problem(res, 405, 'Method Not Allowed');
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return problem(res, 415, 'Unsupported Media Type', 'send application/json');
    readBody(req)
      .then(async (text) => {
        let ask: unknown;
        try {
          ask = JSON.parse(text);
        } catch {
          throw new TokenAskError('body is not JSON');
        }
        if (!ask || typeof ask !== 'object' || Array.isArray(ask)) throw new TokenAskError('body must be a JSON object');
        const token = await mintDevToken(o.dir, tokenRequest(ask, o.audience));
        reply(res, 200, { access_token: token, token_type: 'Bearer' });
      })
      .catch((e: unknown) => {
        if (e instanceof TokenAskError) problem(res, 400, 'Bad Request', e.message);
        else problem(res, 500, 'Internal Server Error');
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = o.host === '0.0.0.0' ? '127.0.0.1' : o.host;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
