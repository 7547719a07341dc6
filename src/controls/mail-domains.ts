// Internal vs external mail addresses (CONTROLS.md precise rules, EXO-04 and EXO-05). Pure.
import type { AcceptedDomain } from '../collectors/exchange-types';

/** Decides for an address whether its domain is the tenant's own; prepared once per tenant. */
export type DomainCheck = (address: string) => boolean;

/**
 * Internal: the domain equals an accepted domain (any type), or is a subdomain at any depth of one whose
 * MatchSubDomains is true. Case-insensitive; a trailing dot is ignored. Anything else, including a domain that
 * merely ends with an accepted domain's text without a dot boundary, is external.
 */
export function internalDomainCheck(domains: readonly AcceptedDomain[]): DomainCheck {
  const exact = new Set(domains.map((d) => normalise(d.domainName)));
  const withSubdomains = new Set(
    domains.filter((d) => d.matchSubDomains).map((d) => normalise(d.domainName)),
  );
  return (address) => {
    const domain = domainOf(address);
    if (domain === null) return false;
    if (exact.has(domain)) return true;
    // Walk up the parent domains: a.b.example.com → b.example.com → example.com.
    for (let dot = domain.indexOf('.'); dot !== -1; dot = domain.indexOf('.', dot + 1)) {
      if (withSubdomains.has(domain.slice(dot + 1))) return true;
    }
    return false;
  };
}

/** "smtp:Someone@Example.com" → "Someone@Example.com" (the prefix in any case). */
export function stripSmtpPrefix(address: string): string {
  return address.trim().replace(/^smtp:/i, '');
}

/** The lower-case domain of an address; null when it has none (an address without a domain is not internal). */
function domainOf(address: string): string | null {
  const at = address.lastIndexOf('@');
  if (at === -1) return null;
  const domain = normalise(address.slice(at + 1));
  return domain === '' ? null : domain;
}

function normalise(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '');
}
