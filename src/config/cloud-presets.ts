// Endpoints of the Microsoft clouds the worker can scan. cloud.name picks a preset; any endpoint set in the
// file overrides the preset's. "custom" has no preset (emulators such as sim/, or clouds not listed here).

export const CLOUD_NAMES = ['public', 'usgov', 'china', 'custom'] as const;
export type CloudName = (typeof CLOUD_NAMES)[number];
export type PresetCloudName = Exclude<CloudName, 'custom'>;

export interface CloudEndpoints {
  /** Entra ID token endpoint host. */
  readonly authorityHost: string;
  /** Base URL the Graph client calls (it appends /v1.0/…). */
  readonly graphUrl: string;
  /** Token audience for Graph. */
  readonly graphResource: string;
  /** Base URL of the Exchange Online admin API. */
  readonly exchangeUrl: string;
  /** Token audience for Exchange Online. */
  readonly exchangeResource: string;
}

export const CLOUD_PRESETS: Readonly<Record<PresetCloudName, CloudEndpoints>> = Object.freeze({
  public: {
    authorityHost: 'https://login.microsoftonline.com',
    graphUrl: 'https://graph.microsoft.com',
    graphResource: 'https://graph.microsoft.com',
    exchangeUrl: 'https://outlook.office365.com',
    exchangeResource: 'https://outlook.office365.com',
  },
  // GCC High / DoD (Azure US Government).
  usgov: {
    authorityHost: 'https://login.microsoftonline.us',
    graphUrl: 'https://graph.microsoft.us',
    graphResource: 'https://graph.microsoft.us',
    exchangeUrl: 'https://outlook.office365.us',
    exchangeResource: 'https://outlook.office365.us',
  },
  // Microsoft 365 operated by 21Vianet.
  china: {
    authorityHost: 'https://login.chinacloudapi.cn',
    graphUrl: 'https://microsoftgraph.chinacloudapi.cn',
    graphResource: 'https://microsoftgraph.chinacloudapi.cn',
    exchangeUrl: 'https://partner.outlook.cn',
    exchangeResource: 'https://partner.outlook.cn',
  },
});
