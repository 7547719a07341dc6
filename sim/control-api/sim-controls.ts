// The SimControls of one running sim, over its parts: counters, token service, vault, throttling, faults.
import type { FaultEngine } from '../faults/fault-engine';
import { parseFaultRule, parseFaultsDocument } from '../faults/fault-rules';
import type { AccessTokenService } from '../identity/access-tokens';
import type { AppRegistration, AppRegistry } from '../identity/app-registrations';
import { issueAppCredential } from '../identity/scanning-apps';
import type { SecretStore } from '../keyvault/secret-store';
import type { GraphThrottle } from '../throttle/graph-throttle';
import type { TrafficStats } from '../throttle/traffic-stats';
import type { SimTenant } from '../types';
import { SimControlNotFoundError, type SimControls, type SimMailbox } from './controls';

/** Counters the sim's handlers increment. */
export interface SimCounters {
  tokenRequests: Map<string, number>;
  graphRequests: Map<string, number>;
  managedIdentityRequests: number;
}

export interface ScanningTenantEntry {
  tenant: SimTenant;
  app: AppRegistration;
  /** Key Vault item holding the scanning app's credential. */
  itemName: string;
}

export interface SimControlsContext {
  counters: SimCounters;
  tokens: AccessTokenService;
  store: SecretStore;
  registry: AppRegistry;
  throttle: GraphThrottle;
  traffic: TrafficStats;
  faults: FaultEngine;
  /** Throws SimControlNotFoundError for an unknown tenant name. */
  tenantEntry(name: string): ScanningTenantEntry;
}

export function createSimControls(ctx: SimControlsContext): SimControls {
  const { counters, tokens, store, registry, throttle, traffic, faults } = ctx;
  let mailbox: SimMailbox | undefined;
  return {
    stats: () => ({
      tokenRequests: Object.fromEntries(counters.tokenRequests),
      keyVaultReads: store.readCounts(),
      graphRequests: Object.fromEntries(counters.graphRequests),
      managedIdentityRequests: counters.managedIdentityRequests,
      graphTraffic: traffic.snapshot(),
      faultsFired: faults.firedCounts(),
    }),
    resetStats: () => {
      counters.tokenRequests.clear();
      counters.graphRequests.clear();
      counters.managedIdentityRequests = 0;
      store.resetReadCounts();
      traffic.reset();
      faults.resetFiredCounts();
    },
    throttlingEnabled: () => throttle.isEnabled,
    setThrottling: (enabled) => throttle.setEnabled(enabled),
    faults: () => faults.list(),
    // Checked like the control API checks them: a bad regular expression fails here, not on every request.
    setFaults: (document) => faults.set(parseFaultsDocument(document)),
    addFault: (rule) => faults.add(parseFaultRule(rule)),
    clearFaults: () => faults.clear(),
    tokenLifetime: () => tokens.lifetimeSeconds,
    setTokenLifetime: (seconds) => tokens.setLifetime(seconds),
    revokeTokens: async (options = {}) => {
      if (options.afterGraphRequests === undefined) return tokens.revokeAll();
      faults.add({ fault: 'revoke-tokens', target: 'graph', after: options.afterGraphRequests, once: true });
    },
    rotateTenantCredential: async (name, options = {}) => {
      const { tenant, app, itemName } = ctx.tenantEntry(name);
      const issued = await issueAppCredential(tenant.options.credential, name);
      registry.addCredential(app, issued.credential, { keepOld: options.keepOld ?? false });
      return { itemName, version: store.set(itemName, issued.vaultItem).version };
    },
    setKeyVaultItemEnabled: (name, enabled) => {
      if (!store.setEnabled(name, enabled))
        throw new SimControlNotFoundError(`No Key Vault item named '${name}'`);
    },
    registerMailbox: (registered) => {
      mailbox = registered;
    },
    mail: () => mailbox?.list() ?? [],
    clearMail: () => mailbox?.clear?.(),
  };
}
