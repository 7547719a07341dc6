// Raw HTTP(S) requests to sim/ for tests that look at exact statuses and headers (throttling, faults, $batch,
// control API), plus a client-credentials token for a scanned tenant whose app uses a client secret.
import http from 'node:http';
import https from 'node:https';
import type { SimHandle } from '../../sim';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json<T = Record<string, unknown>>(): T;
}

export interface RawRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  ca?: string;
  /** A keep-alive agent for long loops of requests. */
  agent?: http.Agent;
}

export function rawRequest(url: string, init: RawRequestInit = {}): Promise<RawResponse> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const transport = secure ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      target,
      {
        method: init.method ?? 'GET',
        headers: init.headers,
        ...(secure && init.ca !== undefined && { ca: init.ca }),
        ...(init.agent !== undefined && { agent: init.agent }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: <T>() => JSON.parse(body) as T,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A Graph (or other resource) token for the scanning app of a tenant started with credential 'secret'. */
export async function tenantToken(
  sim: SimHandle,
  ca: string,
  tenantName: string,
  options: { scope?: string; claims?: string } = {},
): Promise<string> {
  const info = sim.ready.tenants.find((tenant) => tenant.name === tenantName);
  if (!info) throw new Error(`no tenant ${tenantName}`);
  const secret = sim.keyVaultItemValue(info.credential.name);
  if (info.credential.type !== 'secret' || secret === undefined)
    throw new Error(`${tenantName} has no secret`);
  const res = await rawRequest(`${sim.ready.authorityHost}/${info.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    ca,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: info.clientId,
      client_secret: secret,
      scope: options.scope ?? 'https://graph.microsoft.com/.default',
      ...(options.claims !== undefined && { claims: options.claims }),
    }).toString(),
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.body}`);
  return String(res.json()['access_token']);
}

/** A Key Vault token of the worker app (operator tenant). */
export async function workerVaultToken(sim: SimHandle, ca: string): Promise<string> {
  const { workerApp, operatorTenantId, authorityHost } = sim.ready;
  const res = await rawRequest(`${authorityHost}/${operatorTenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    ca,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: workerApp.clientId,
      client_secret: workerApp.clientSecret,
      scope: 'https://vault.azure.net/.default',
    }).toString(),
  });
  if (res.status !== 200) throw new Error(`vault token request failed: ${res.status} ${res.body}`);
  return String(res.json()['access_token']);
}
