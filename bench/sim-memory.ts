// bench/sim-memory: peak resident memory of the sim process itself while a client pages every user of a large
// tenant (default 1,000,000). The sim runs as its own process (dist/sim/main.js) so that the client's memory is not
// counted; its peak comes from /proc/PID/status (VmHWM, Linux). Prints human lines, then one JSON line.
//   npm run -s build && node dist/bench/sim-memory.js        (SIM_MEMORY_USERS=N for another size)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import type { SimReady } from '../sim/types';
import { requestJson } from './lib/https-json';

const USERS = Number(process.env.SIM_MEMORY_USERS ?? 1_000_000);

async function waitForReadyFile(file: string): Promise<SimReady> {
  for (let i = 0; i < 300; i++) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as SimReady;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`the sim did not write ${file}`);
}

/** The tenant's Graph token the way the worker gets it: worker identity → Key Vault → app credential. */
async function tenantToken(ready: SimReady, ca: string): Promise<string> {
  const options = { authorityHost: ready.authorityHost, disableInstanceDiscovery: true, tlsOptions: { ca } };
  const worker = new ClientSecretCredential(
    ready.operatorTenantId,
    ready.workerApp.clientId,
    ready.workerApp.clientSecret,
    options,
  );
  const vault = new SecretClient(ready.keyVaultUrl, worker, {
    disableChallengeResourceVerification: true,
    tlsOptions: { ca },
  });
  const tenant = ready.tenants[0]!;
  const secret = (await vault.getSecret(tenant.credential.name)).value!;
  const credential = new ClientSecretCredential(tenant.tenantId, tenant.clientId, secret, options);
  return (await credential.getToken('https://graph.microsoft.com/.default')).token;
}

function peakRssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crw-sim-memory-'));
  const readyFile = path.join(dir, 'ready.json');
  const simMain = path.resolve(__dirname, '../sim/main.js');
  const sim = spawn(
    process.execPath,
    [
      simMain,
      '--users',
      String(USERS),
      '--ready-file',
      readyFile,
      '--tenant',
      'big',
      '--credential',
      'secret',
    ],
    { stdio: 'ignore' },
  );
  try {
    const ready = await waitForReadyFile(readyFile);
    const ca = readFileSync(ready.caFile, 'utf8');
    const agent = new https.Agent({ keepAlive: true, ca });
    const auth = { authorization: `Bearer ${await tenantToken(ready, ca)}` };
    const afterStart = peakRssMB(sim.pid!);
    let url: string | undefined =
      `${ready.graphUrl}/v1.0/users?$select=id,userPrincipalName,accountEnabled&$top=999`;
    let users = 0;
    const started = process.hrtime.bigint();
    while (url) {
      const response = await requestJson(agent, new URL(url), { headers: auth });
      const page = response.body as { value: unknown[]; '@odata.nextLink'?: string };
      users += page.value.length;
      url = page['@odata.nextLink'];
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const peak = peakRssMB(sim.pid!);
    agent.destroy();
    console.log(
      `sim-memory: ${USERS} users; sim RSS after start ${afterStart} MB, peak while paging all ${peak} MB`,
    );
    console.log(`paged ${users} users in ${seconds.toFixed(1)} s`);
    console.log(
      JSON.stringify({
        bench: 'sim-memory',
        users,
        simPeakRssMB: peak,
        simRssAfterStartMB: afterStart,
        node: process.version,
      }),
    );
  } finally {
    sim.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
