// The inbox rules of a mailbox (Graph messageRules): a pure function of (seed, mailbox slot) and the Exchange plan.
// Each recipient keeps the kind its address was generated from, so the ground truth knows internal from external
// without parsing. The "formulas" scenario mailbox carries hostile rule names on purpose.
import {
  addressOfKind,
  EXTERNAL_ADDRESS_KINDS,
  INTERNAL_ADDRESS_KINDS,
  isExternalKind,
} from './mailboxes-addresses';
import type { AddressKind } from './mailboxes-addresses';
import { hashIntegers, seededRandom } from './ids';
import type { MailboxDirectory, SimMailbox } from './mailboxes';

const STREAM_RULES = 0xb3;

export interface PlannedRecipient {
  kind: AddressKind;
  name: string;
  address: string;
}

/** Actions other than the three forwarding ones, in Graph's property names (absent = not set). */
export interface OtherRuleActions {
  moveToFolder?: string;
  copyToFolder?: string;
  markAsRead?: boolean;
  markImportance?: 'low' | 'normal' | 'high';
  assignCategories?: string[];
  delete?: boolean;
  stopProcessingRules?: boolean;
}

/** Conditions in Graph's messageRulePredicates names (absent = not set). */
export interface RuleConditions {
  senderContains?: string[];
  subjectContains?: string[];
  bodyOrSubjectContains?: string[];
  fromAddresses?: PlannedRecipient[];
  hasAttachments?: boolean;
  importance?: 'low' | 'normal' | 'high';
}

export interface PlannedRule {
  id: string;
  displayName: string;
  sequence: number;
  isEnabled: boolean;
  hasError: boolean;
  isReadOnly: boolean;
  conditions: RuleConditions;
  forwardTo: PlannedRecipient[];
  redirectTo: PlannedRecipient[];
  forwardAsAttachmentTo: PlannedRecipient[];
  otherActions: OtherRuleActions;
}

/** Whether a rule forwards, redirects or forwards as attachment to some external address (enabled or not). */
export function forwardsExternally(rule: PlannedRule): boolean {
  return [...rule.forwardTo, ...rule.redirectTo, ...rule.forwardAsAttachmentTo].some((recipient) =>
    isExternalKind(recipient.kind),
  );
}

/** The mailbox's inbox rules in sequence order. */
export function inboxRulesOf(directory: MailboxDirectory, mailbox: SimMailbox): PlannedRule[] {
  const drafts =
    mailbox.scenario === 'user'
      ? randomRules(directory, mailbox)
      : scenarioRules(directory, mailbox.scenario);
  return drafts.map((draft, k) => ({
    id: ruleId(directory.seed, mailbox.slot, k),
    sequence: k + 1,
    hasError: false,
    isReadOnly: false,
    forwardTo: [],
    redirectTo: [],
    forwardAsAttachmentTo: [],
    conditions: {},
    otherActions: {},
    ...draft,
  }));
}

type RuleDraft = Pick<PlannedRule, 'displayName' | 'isEnabled'> & Partial<PlannedRule>;

/** Graph rule ids are 8 bytes in base64, starting with 01 00 00 00 ("AQAAA…"). */
function ruleId(seed: number, slot: number, k: number): string {
  const bytes = Buffer.alloc(8);
  bytes.writeUInt32LE(1, 0);
  bytes.writeUInt32BE(hashIntegers(seed, STREAM_RULES, slot, k), 4);
  return bytes.toString('base64');
}

/** A folder id of the look Graph uses for moveToFolder. */
function folderId(seed: number, slot: number, k: number): string {
  const bytes = Buffer.alloc(24);
  bytes.write('AAMkAGI2', 0, 'latin1');
  for (let i = 0; i < 4; i++) bytes.writeUInt32BE(hashIntegers(seed, STREAM_RULES, slot, k, i), 8 + 4 * i);
  return bytes.toString('base64');
}

type Template =
  | 'newsletters'
  | 'jira'
  | 'forwardTeam'
  | 'forwardHome'
  | 'redirectOldDisabled'
  | 'attachMixed'
  | 'deleteFromExternal';

/** Weights: benign templates are common; the two external ones are enabled only when the plan says EXO-05 fails. */
const TEMPLATE_WEIGHTS: ReadonlyArray<[Template, number]> = [
  ['newsletters', 6],
  ['jira', 4],
  ['forwardTeam', 3],
  ['deleteFromExternal', 2],
  ['redirectOldDisabled', 2],
  ['forwardHome', 1],
  ['attachMixed', 1],
];
const TEMPLATES: readonly Template[] = TEMPLATE_WEIGHTS.flatMap(([template, weight]) =>
  Array.from({ length: weight }, () => template),
);

function randomRules(directory: MailboxDirectory, mailbox: SimMailbox): RuleDraft[] {
  const { seed, domains, plan } = directory;
  const random = seededRandom(seed, STREAM_RULES, mailbox.slot);
  const countRoll = random.next();
  const count = countRoll < 0.5 ? 0 : countRoll < 0.8 ? 1 : countRoll < 0.95 ? 2 : 3;
  const local = mailbox.alias.toLowerCase();
  const drafts: RuleDraft[] = [];
  for (let k = 0; k < count; k++) {
    // Fixed draw order per rule, whatever the template.
    const template = random.pick(TEMPLATES);
    const internalKind = random.pick(INTERNAL_ADDRESS_KINDS);
    const externalKind = random.pick(EXTERNAL_ADDRESS_KINDS);
    const internal = (name: string): PlannedRecipient => ({
      kind: internalKind,
      name,
      address: addressOfKind(domains, internalKind, `team-${local}`),
    });
    const external = (name: string): PlannedRecipient => ({
      kind: externalKind,
      name,
      address: addressOfKind(domains, externalKind, local),
    });
    switch (template) {
      case 'newsletters':
        drafts.push({
          displayName: 'Newsletters',
          isEnabled: true,
          conditions: { senderContains: ['newsletter', 'noreply'] },
          otherActions: { moveToFolder: folderId(seed, mailbox.slot, k), stopProcessingRules: true },
        });
        break;
      case 'jira':
        drafts.push({
          displayName: 'JIRA notifications',
          isEnabled: true,
          conditions: { subjectContains: ['[JIRA]'] },
          otherActions: { markAsRead: true, assignCategories: ['Tickets'] },
        });
        break;
      case 'forwardTeam':
        drafts.push({
          displayName: 'Copy to team',
          isEnabled: true,
          conditions: { hasAttachments: true },
          forwardTo: [internal('Team')],
        });
        break;
      case 'forwardHome':
        drafts.push({
          displayName: 'Forward to home',
          isEnabled: plan.externalInboxRules,
          forwardTo: [external('Me at home')],
        });
        break;
      case 'redirectOldDisabled':
        drafts.push({
          displayName: 'Redirect to old address (disabled)',
          isEnabled: false,
          redirectTo: [external('Old address')],
        });
        break;
      case 'attachMixed':
        drafts.push({
          displayName: 'Invoices to accountant',
          isEnabled: plan.externalInboxRules,
          conditions: { bodyOrSubjectContains: ['invoice'] },
          forwardAsAttachmentTo: [internal('Accounts payable'), external('Accountant')],
        });
        break;
      case 'deleteFromExternal':
        // External addresses in a condition are not forwarding.
        drafts.push({
          displayName: 'Delete spam sender',
          isEnabled: true,
          conditions: { fromAddresses: [external('Spammer')] },
          otherActions: { delete: true },
        });
        break;
    }
  }
  return drafts;
}

/** A rule name of exactly 40,000 characters (beyond Excel's 32,767 per cell). */
const LONG_RULE_NAME = `Very long rule name ${'x'.repeat(40_000 - 'Very long rule name '.length)}`;

/** Hostile names: formula triggers, XML-invalid characters (NUL, controls, U+FFFE/FFFF, a lone surrogate), RTL, emoji. */
export const HOSTILE_RULE_NAMES = {
  equals: '=HYPERLINK("http://evil.example","Invoice")',
  plus: "+SUM(1+1)*cmd|' /C calc'!A0",
  minus: '-2+3 urgent',
  at: '@SUM(A1:A2)',
  xmlInvalid: 'Bad\u0000chars\u0001\u0008\u000B\u000C\u001F\uFFFE\uFFFF\uD800 end',
  long: LONG_RULE_NAME,
  rtl: '\u202Eforward external\u202C قاعدة إعادة التوجيه כלל העברה',
  emoji: '📨➡️ Forward to 👩🏽‍💻 personal',
} as const;

function scenarioRules(directory: MailboxDirectory, scenario: string): RuleDraft[] {
  const { domains, plan } = directory;
  const to = (kind: AddressKind, local: string, name: string): PlannedRecipient => ({
    kind,
    name,
    address: addressOfKind(domains, kind, local),
  });
  const outward = plan.externalInboxRules;
  switch (scenario) {
    case 'formulas':
      return [
        { displayName: HOSTILE_RULE_NAMES.equals, isEnabled: outward, forwardTo: [to('external', 'x', 'X')] },
        {
          displayName: HOSTILE_RULE_NAMES.plus,
          isEnabled: outward,
          redirectTo: [to('externalMixedCase', 'y', '=cmd')],
        },
        {
          // Internal and external recipients in one rule: one finding.
          displayName: HOSTILE_RULE_NAMES.minus,
          isEnabled: outward,
          forwardAsAttachmentTo: [to('custom', 'team', 'Team'), to('unmatchedSubdomain', 'z', 'Z')],
        },
        {
          displayName: HOSTILE_RULE_NAMES.at,
          isEnabled: true,
          forwardTo: [to('matchedSubdomain', 'ops', 'Ops')],
        },
        {
          displayName: HOSTILE_RULE_NAMES.xmlInvalid,
          isEnabled: outward,
          forwardTo: [to('lookalikeSuffix', 'w', 'W')],
        },
        { displayName: HOSTILE_RULE_NAMES.long, isEnabled: outward, forwardTo: [to('lookalike', 'v', 'V')] },
        {
          displayName: HOSTILE_RULE_NAMES.rtl,
          isEnabled: outward,
          forwardTo: [to('external', 'rtl', 'כהן')],
        },
        {
          displayName: HOSTILE_RULE_NAMES.emoji,
          isEnabled: outward,
          redirectTo: [to('externalMixedCase', 'emoji', '👩🏽‍💻')],
        },
        {
          displayName: 'Old forward (disabled)',
          isEnabled: false,
          forwardTo: [to('external', 'old', 'Old')],
        },
        {
          displayName: 'To colleagues',
          isEnabled: true,
          forwardTo: [
            to('initialMixedCase', 'colleague', 'Colleague'),
            to('deepMatchedSubdomain', 'deep', 'Deep'),
            to('externalRelay', 'relay', 'Relay'),
          ],
        },
      ];
    case 'finance':
      return [
        {
          displayName: 'Invoices to AP',
          isEnabled: true,
          conditions: { subjectContains: ['invoice'] },
          forwardTo: [to('initialMixedCase', 'ap', 'Accounts payable')],
        },
      ];
    case 'boardroom':
      // Room mailboxes never count, even with an enabled external rule.
      return [
        {
          displayName: 'Bookings to agency',
          isEnabled: true,
          forwardTo: [to('external', 'agency', 'Agency')],
        },
      ];
    default:
      return [];
  }
}
