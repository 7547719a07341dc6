// Kinds of mail address the generator writes (forwarding targets, inbox rule recipients). Whether an address is
// internal or external is decided by its kind when it is generated, so the ground truth never parses addresses.
import type { TenantMailDomains } from './mailboxes-plan';

export type AddressKind =
  /** local@<name>.onmicrosoft.com */
  | 'initial'
  /** Local@<Name>.OnMicrosoft.com: an accepted domain in mixed case. */
  | 'initialMixedCase'
  /** local@<name>.example (Authoritative custom domain) */
  | 'custom'
  /** local@<name>-legacy.example (ExternalRelay accepted domain) */
  | 'externalRelay'
  /** local@eu.<name>-group.example: subdomain of the MatchSubDomains domain. */
  | 'matchedSubdomain'
  /** local@a.b.<name>-group.example: deeper subdomain of the MatchSubDomains domain. */
  | 'deepMatchedSubdomain'
  /** local@mail.<name>.example: subdomain of a domain without MatchSubDomains, so external. */
  | 'unmatchedSubdomain'
  /** local@external.example */
  | 'external'
  /** Local@External.Example */
  | 'externalMixedCase'
  /** local@not<name>.example: ends with an accepted domain's text without a dot boundary. */
  | 'lookalike'
  /** local@<name>.onmicrosoft.com.evil.example: starts with an accepted domain. */
  | 'lookalikeSuffix';

const EXTERNAL_KINDS: ReadonlySet<AddressKind> = new Set<AddressKind>([
  'unmatchedSubdomain',
  'external',
  'externalMixedCase',
  'lookalike',
  'lookalikeSuffix',
]);

export const INTERNAL_ADDRESS_KINDS: readonly AddressKind[] = [
  'initial',
  'initialMixedCase',
  'custom',
  'externalRelay',
  'matchedSubdomain',
  'deepMatchedSubdomain',
];

export const EXTERNAL_ADDRESS_KINDS: readonly AddressKind[] = [
  'unmatchedSubdomain',
  'external',
  'externalMixedCase',
  'lookalike',
  'lookalikeSuffix',
];

export function isExternalKind(kind: AddressKind): boolean {
  return EXTERNAL_KINDS.has(kind);
}

/** Upper-cases the first letter of every dot-separated label: "finance.archive" → "Finance.Archive". */
function mixedCase(text: string): string {
  return text
    .split('.')
    .map((label) => label.charAt(0).toUpperCase() + label.slice(1))
    .join('.');
}

export function domainOfKind(domains: TenantMailDomains, kind: AddressKind): string {
  const label = domains.initial.replace(/\.onmicrosoft\.com$/, '');
  switch (kind) {
    case 'initial':
      return domains.initial;
    case 'initialMixedCase':
      return `${mixedCase(label)}.OnMicrosoft.com`;
    case 'custom':
      return domains.custom;
    case 'externalRelay':
      return domains.externalRelay;
    case 'matchedSubdomain':
      return `eu.${domains.relay}`;
    case 'deepMatchedSubdomain':
      return `a.b.${domains.relay}`;
    case 'unmatchedSubdomain':
      return `mail.${domains.custom}`;
    case 'external':
      return 'external.example';
    case 'externalMixedCase':
      return 'External.Example';
    case 'lookalike':
      return `not${label}.example`;
    case 'lookalikeSuffix':
      return `${domains.initial}.evil.example`;
  }
}

export function addressOfKind(domains: TenantMailDomains, kind: AddressKind, localPart: string): string {
  const local =
    kind === 'initialMixedCase' || kind === 'externalMixedCase' ? mixedCase(localPart) : localPart;
  return `${local}@${domainOfKind(domains, kind)}`;
}
