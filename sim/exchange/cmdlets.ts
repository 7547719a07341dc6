// The cmdlets the simulated Exchange admin API runs: their parameters and one page of their output at a time.
// Names of cmdlets and parameters match case-insensitively, as in PowerShell.
import type { MailboxDirectory, SimMailbox } from '../tenant/mailboxes';
import { outboundSpamPoliciesOf, remoteDomainsOf } from '../tenant/mailboxes-plan';
import { CmdletError, invalidParameterValue, objectNotFound, unknownParameters } from './errors';
import type { PageCursor } from './paging';
import {
  acceptedDomainObject,
  adminAuditLogConfigObject,
  mailboxObject,
  organizationConfigObject,
  outboundSpamPolicyObject,
  remoteDomainObject,
  type ExchangeObject,
  type OrganizationFacts,
} from './resources';

export type CmdletParameters = Record<string, unknown>;

export interface CmdletPage {
  items: ExchangeObject[];
  /** Where the next page starts; absent on the last page. */
  next?: PageCursor;
  warnings: string[];
}

export interface CmdletDefinition {
  name: string;
  /** Parameters the simulator implements (canonical spelling). */
  parameters: readonly string[];
  /** Real parameters the simulator does not implement: a loud 501 rather than a silently wrong answer. */
  notSimulated?: readonly string[];
  run(
    directory: MailboxDirectory,
    parameters: CmdletParameters,
    cursor: PageCursor,
    pageSize: number,
  ): CmdletPage;
}

/** Get-Mailbox returns this many rows without ResultSize, then warns (as the cmdlet does). */
export const GET_MAILBOX_DEFAULT_RESULT_SIZE = 1000;
export const MORE_RESULTS_WARNING =
  'There are more results available than are currently displayed. To view them, increase the value for the ' +
  'ResultSize parameter.';

const KNOWN_RECIPIENT_TYPE_DETAILS = [
  'UserMailbox',
  'SharedMailbox',
  'RoomMailbox',
  'EquipmentMailbox',
  'DiscoveryMailbox',
  'LinkedMailbox',
  'LinkedRoomMailbox',
  'TeamMailbox',
  'GroupMailbox',
  'SchedulingMailbox',
  'LegacyMailbox',
];

function organizationFacts(directory: MailboxDirectory): OrganizationFacts {
  return { name: directory.name, seed: directory.seed, domains: directory.domains, plan: directory.plan };
}

/** ResultSize: "Unlimited" or a positive whole number (number or numeric string). */
function resultSizeOf(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string' && value.trim().toLowerCase() === 'unlimited')
    return Number.POSITIVE_INFINITY;
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(number) || number < 1) {
    throw invalidParameterValue('ResultSize', value, 'Microsoft.Exchange.Data.Unlimited`1[System.UInt32]');
  }
  return number;
}

/** RecipientTypeDetails: a list (array or comma-separated string) of known values, canonical spelling back. */
function recipientTypesOf(value: unknown): Set<string> | undefined {
  if (value === undefined || value === null) return undefined;
  const names = Array.isArray(value) ? value : String(value).split(',');
  const result = new Set<string>();
  for (const name of names) {
    const known = KNOWN_RECIPIENT_TYPE_DETAILS.find(
      (type) => type.toLowerCase() === String(name).trim().toLowerCase(),
    );
    if (!known) {
      throw invalidParameterValue(
        'RecipientTypeDetails',
        name,
        'Microsoft.Exchange.Data.Directory.Recipient.RecipientTypeDetails[]',
      );
    }
    result.add(known);
  }
  return result;
}

/** One page of a small, fully known list; ResultSize limits it, Identity picks one by Identity/Name/DomainName. */
function pageOfList(
  all: ExchangeObject[],
  parameters: CmdletParameters,
  cursor: PageCursor,
  pageSize: number,
): CmdletPage {
  let rows = all;
  const identity = parameters['Identity'];
  if (identity !== undefined && identity !== null) {
    const wanted = String(identity).toLowerCase();
    rows = all.filter((row) =>
      ['Identity', 'Name', 'DomainName'].some((key) => String(row[key] ?? '').toLowerCase() === wanted),
    );
    if (rows.length === 0) throw objectNotFound(String(identity));
  }
  const limit = Math.min(rows.length, resultSizeOf(parameters['ResultSize'], rows.length));
  const end = Math.min(cursor.offset + pageSize, limit);
  const items = rows.slice(cursor.offset, end);
  const warnings = end === limit && limit < rows.length ? [MORE_RESULTS_WARNING] : [];
  return end < limit ? { items, next: { offset: end, returned: end }, warnings } : { items, warnings };
}

function getMailbox(
  directory: MailboxDirectory,
  parameters: CmdletParameters,
  cursor: PageCursor,
  pageSize: number,
): CmdletPage {
  const types = recipientTypesOf(parameters['RecipientTypeDetails']);
  const matches = (mailbox: SimMailbox): boolean => !types || types.has(mailbox.recipientTypeDetails);
  const identity = parameters['Identity'];
  if (identity !== undefined && identity !== null) {
    const mailbox = directory.findByIdentity(String(identity));
    if (!mailbox || !matches(mailbox)) throw objectNotFound(String(identity));
    return { items: cursor.offset === 0 ? [mailboxObject(mailbox, directory.domains)] : [], warnings: [] };
  }

  const limit = resultSizeOf(parameters['ResultSize'], GET_MAILBOX_DEFAULT_RESULT_SIZE);
  // The cursor offset is a mailbox slot; slots without a (matching) mailbox are skipped.
  const nextMatch = (from: number): { slot: number; mailbox: SimMailbox } | undefined => {
    for (let slot = from; slot < directory.slotCount; slot++) {
      const mailbox = directory.mailboxAt(slot);
      if (mailbox && matches(mailbox)) return { slot, mailbox };
    }
    return undefined;
  };
  const items: ExchangeObject[] = [];
  let returned = cursor.returned;
  let match = nextMatch(cursor.offset);
  while (match && items.length < pageSize && returned < limit) {
    items.push(mailboxObject(match.mailbox, directory.domains));
    returned++;
    match = nextMatch(match.slot + 1);
  }
  if (!match) return { items, warnings: [] };
  if (returned >= limit) return { items, warnings: [MORE_RESULTS_WARNING] };
  return { items, next: { offset: match.slot, returned }, warnings: [] };
}

const CMDLETS: readonly CmdletDefinition[] = [
  {
    name: 'Get-OrganizationConfig',
    parameters: ['Identity'],
    run: (directory, parameters, cursor, pageSize) =>
      pageOfList([organizationConfigObject(organizationFacts(directory))], parameters, cursor, pageSize),
  },
  {
    name: 'Get-AdminAuditLogConfig',
    parameters: [],
    run: (directory, parameters, cursor, pageSize) =>
      pageOfList([adminAuditLogConfigObject(organizationFacts(directory))], parameters, cursor, pageSize),
  },
  {
    name: 'Get-Mailbox',
    parameters: ['Identity', 'ResultSize', 'RecipientTypeDetails'],
    notSimulated: [
      'Filter',
      'Anr',
      'SortBy',
      'OrganizationalUnit',
      'Archive',
      'InactiveMailboxOnly',
      'IncludeInactiveMailbox',
      'SoftDeletedMailbox',
    ],
    run: getMailbox,
  },
  {
    name: 'Get-AcceptedDomain',
    parameters: ['Identity', 'ResultSize'],
    run: (directory, parameters, cursor, pageSize) => {
      const org = organizationFacts(directory);
      const rows = directory.acceptedDomains.map((domain) => acceptedDomainObject(org, domain));
      return pageOfList(rows, parameters, cursor, pageSize);
    },
  },
  {
    name: 'Get-RemoteDomain',
    parameters: ['Identity', 'ResultSize'],
    run: (directory, parameters, cursor, pageSize) => {
      const org = organizationFacts(directory);
      const rows = remoteDomainsOf(directory.plan).map((domain) => remoteDomainObject(org, domain));
      return pageOfList(rows, parameters, cursor, pageSize);
    },
  },
  {
    name: 'Get-HostedOutboundSpamFilterPolicy',
    parameters: ['Identity'],
    run: (directory, parameters, cursor, pageSize) => {
      const org = organizationFacts(directory);
      const rows = outboundSpamPoliciesOf(directory.plan).map((policy) =>
        outboundSpamPolicyObject(org, policy),
      );
      return pageOfList(rows, parameters, cursor, pageSize);
    },
  },
];

export function findCmdlet(name: string): CmdletDefinition | undefined {
  return CMDLETS.find((cmdlet) => cmdlet.name.toLowerCase() === name.trim().toLowerCase());
}

/** The request's parameters under their canonical names; unknown ones fail as the service fails them. */
export function canonicalParameters(
  cmdlet: CmdletDefinition,
  raw: Record<string, unknown>,
): CmdletParameters {
  const result: CmdletParameters = {};
  const unknown: string[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const lower = name.toLowerCase();
    const canonical = cmdlet.parameters.find((parameter) => parameter.toLowerCase() === lower);
    if (canonical) {
      result[canonical] = value;
      continue;
    }
    const unsupported = cmdlet.notSimulated?.find((parameter) => parameter.toLowerCase() === lower);
    if (unsupported) {
      throw new CmdletError({
        status: 501,
        code: 'NotImplemented',
        exceptionType: 'System.NotImplementedException',
        message: `The simulator does not support the ${unsupported} parameter of ${cmdlet.name}.`,
      });
    }
    unknown.push(name);
  }
  if (unknown.length > 0) throw unknownParameters(unknown);
  return result;
}
