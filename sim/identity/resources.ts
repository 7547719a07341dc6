// Resources (token audiences) of the simulated cloud: what a `<resource>/.default` scope may name.
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const KEY_VAULT_RESOURCE = 'https://vault.azure.net';
export const EXCHANGE_RESOURCE = 'https://outlook.office365.com';

export const KNOWN_RESOURCES: readonly string[] = [GRAPH_RESOURCE, KEY_VAULT_RESOURCE, EXCHANGE_RESOURCE];
