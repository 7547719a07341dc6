import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLOUD_PRESETS } from '../src/config/cloud-presets';
import { ConfigError, UnknownTenantError } from '../src/config/config-error';
import { CONTROL_IDS, DEFAULT_PRIVILEGED_ROLES, PRIVILEGED_ROLE_NAMES } from '../src/config/control-ids';
import { findTenant, loadConfig, parseConfig } from '../src/config/load-config';

const TENANT_ID = '11111111-2222-3333-4444-555555555555';
const CLIENT_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

const KEY_VAULT_LINES = 'keyVault:\n  url: https://myvault.vault.azure.net\n';
const MINIMAL = `
${KEY_VAULT_LINES}tenants:
  - name: contoso
    tenantId: ${TENANT_ID}
    clientId: ${CLIENT_ID}
    credential:
      type: certificate
      name: crw-contoso-cert
`;

/** MINIMAL with `extra` appended under the first tenant (indented by 4). */
function withTenantLines(extra: string): string {
  return MINIMAL + extra.replace(/^/gm, '    ') + '\n';
}

function configError(text: string, env: NodeJS.ProcessEnv = {}, source = 'crw.yaml'): ConfigError {
  try {
    parseConfig(text, source, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crw-config-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('catalogue', () => {
  it('has the 16 control ids and 13 privileged roles of CONTROLS.md', () => {
    expect(CONTROL_IDS).toHaveLength(16);
    expect(DEFAULT_PRIVILEGED_ROLES).toHaveLength(13);
    expect(PRIVILEGED_ROLE_NAMES['62e90394-69f5-4237-9190-012177145e10']).toBe('Global Administrator');
  });
});

describe('valid configuration', () => {
  it('fills every default from a minimal file', () => {
    const config = parseConfig(MINIMAL, path.join(tmp, 'crw.yaml'), {});
    expect(config).toEqual({
      redis: { url: 'redis://127.0.0.1:6379', prefix: 'crw' },
      reports: { dir: path.join(tmp, 'reports'), keepRuns: 52 },
      log: { level: 'info' },
      worker: {
        concurrency: 2,
        attempts: 3,
        backoffSeconds: 30,
        shutdownGraceSeconds: 60,
        jobLockSeconds: 30,
        checkpointTtlHours: 24,
        httpPort: 9464,
        httpHost: '0.0.0.0',
      },
      cloud: { name: 'public', ...CLOUD_PRESETS.public, keyVaultChallengeResourceCheck: true },
      keyVault: { url: 'https://myvault.vault.azure.net' },
      workerIdentity: { type: 'managedIdentity' },
      credentials: {
        cacheTtlHours: 8,
        expiryWarningDays: 30,
        keyVaultRetries: 5,
        keyVaultRetryDelaySeconds: 1,
      },
      delivery: { attempts: 5, backoffSeconds: 60 },
      tenants: [
        {
          name: 'contoso',
          tenantId: TENANT_ID,
          clientId: CLIENT_ID,
          credential: { type: 'certificate', name: 'crw-contoso-cert' },
          schedules: [],
          controls: [...CONTROL_IDS],
          settings: {
            privilegedRoles: [...DEFAULT_PRIVILEGED_ROLES],
            breakGlass: [],
            staleDays: 90,
            globalAdminRange: [2, 4],
          },
        },
      ],
    });
    expect(Object.isFrozen(config.tenants[0]?.settings.privilegedRoles)).toBe(true);
  });

  it('reads the commented example file with every field', () => {
    const example = path.join(__dirname, '..', 'crw.example.yaml');
    const text = fs.readFileSync(example, 'utf8');
    const config = parseConfig(text, path.join(tmp, 'crw.yaml'), {});
    expect(config.reports.keepRuns).toBe(52);
    expect(config.tenants.map((tenant) => tenant.name)).toEqual(['contoso', 'fabrikam']);
    expect(config.tenants[0]?.schedules).toEqual([
      { name: 'weekly', cron: '0 6 * * 1', tz: 'Europe/Berlin' },
      { name: 'monthly', cron: '0 5 1 * *', tz: 'Europe/Berlin' },
    ]);
    expect(config.tenants[0]?.controls).toEqual(['CRW-ID-01', 'CRW-ID-02', 'CRW-EXO-01']);
    expect(config.tenants[0]?.settings.globalAdminRange).toEqual([2, 5]);
    expect(config.tenants[0]?.settings.breakGlass).toEqual(['bg1@contoso.com', 'bg2@contoso.com']);
    expect(config.tenants[1]?.controls).toEqual([...CONTROL_IDS]);
  });

  it('loads a file from disk and resolves relative paths against its folder', () => {
    const dir = path.join(tmp, 'nested', 'conf');
    fs.mkdirSync(path.join(dir, 'certs'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'certs', 'ca.pem'), '');
    const file = path.join(dir, 'crw.yaml');
    fs.writeFileSync(file, MINIMAL + 'reports:\n  dir: ../out\ncloud:\n  caFile: certs/ca.pem\n');
    const config = loadConfig({ path: file, env: {} });
    expect(config.reports.dir).toBe(path.join(tmp, 'nested', 'out'));
    expect(config.cloud.caFile).toBe(path.join(dir, 'certs', 'ca.pem'));
  });

  it('applies environment overrides', () => {
    const caFile = path.join(tmp, 'env-ca.pem');
    fs.writeFileSync(caFile, '');
    const config = parseConfig(MINIMAL + 'worker:\n  concurrency: 4\n', path.join(tmp, 'crw.yaml'), {
      CRW_REDIS_URL: 'rediss://:pw@redis.example:6380/2',
      CRW_REDIS_PREFIX: 'crw-test',
      CRW_REPORTS_DIR: '/srv/reports',
      CRW_REPORTS_KEEP_RUNS: '12',
      CRW_LOG_LEVEL: 'debug',
      CRW_WORKER_CONCURRENCY: '8',
      CRW_HTTP_PORT: '0',
      CRW_CA_FILE: caFile,
      CRW_KEYVAULT_URL: 'https://other.vault.azure.net/',
      CRW_UNRELATED: 'x',
      CRW_OTHER_EMPTY: '',
    });
    expect(config.redis).toEqual({ url: 'rediss://:pw@redis.example:6380/2', prefix: 'crw-test' });
    expect(config.reports.dir).toBe(path.resolve('/srv/reports'));
    expect(config.reports.keepRuns).toBe(12);
    expect(config.log.level).toBe('debug');
    expect(config.worker.concurrency).toBe(8);
    expect(config.worker.httpPort).toBe(0);
    expect(config.cloud.caFile).toBe(caFile);
    expect(config.keyVault.url).toBe('https://other.vault.azure.net');
  });

  it('lets the environment supply a required field and treats empty variables as unset', () => {
    const text = MINIMAL.replace(KEY_VAULT_LINES, '');
    const config = parseConfig(text, 'crw.yaml', {
      CRW_KEYVAULT_URL: 'https://v.vault.azure.net',
      CRW_LOG_LEVEL: '',
    });
    expect(config.keyVault.url).toBe('https://v.vault.azure.net');
    expect(config.log.level).toBe('info');
  });

  it('fills cloud endpoints from presets and lets custom clouds name theirs', () => {
    const usgov = parseConfig(MINIMAL + 'cloud:\n  name: usgov\n', 'crw.yaml', {}).cloud;
    expect(usgov).toMatchObject({
      authorityHost: 'https://login.microsoftonline.us',
      graphUrl: 'https://graph.microsoft.us',
      exchangeUrl: 'https://outlook.office365.us',
    });
    const china = parseConfig(MINIMAL + 'cloud:\n  name: china\n', 'crw.yaml', {}).cloud;
    expect(china.graphResource).toBe('https://microsoftgraph.chinacloudapi.cn');
    expect(china.exchangeUrl).toBe('https://partner.outlook.cn');
    const custom = parseConfig(
      MINIMAL +
        'cloud:\n  name: custom\n  authorityHost: https://127.0.0.1:8443/\n  graphUrl: https://127.0.0.1:8443/graph\n' +
        '  exchangeUrl: https://127.0.0.1:8443/exo\n  keyVaultChallengeResourceCheck: false\n',
      'crw.yaml',
      {},
    ).cloud;
    expect(custom).toEqual({
      name: 'custom',
      authorityHost: 'https://127.0.0.1:8443',
      graphUrl: 'https://127.0.0.1:8443/graph',
      graphResource: 'https://127.0.0.1:8443',
      exchangeUrl: 'https://127.0.0.1:8443/exo',
      exchangeResource: 'https://127.0.0.1:8443',
      keyVaultChallengeResourceCheck: false,
    });
  });

  it('configures the worker identity variants', () => {
    const secret = parseConfig(
      MINIMAL +
        `workerIdentity:\n  type: clientSecret\n  tenantId: ${TENANT_ID}\n  clientId: ${CLIENT_ID.toUpperCase()}\n`,
      'crw.yaml',
      {},
    ).workerIdentity;
    expect(secret).toEqual({
      type: 'clientSecret',
      tenantId: TENANT_ID,
      clientId: CLIENT_ID,
      clientSecretEnv: 'CRW_WORKER_CLIENT_SECRET',
    });
  });

  it('finds tenants by name and lists the configured ones otherwise', () => {
    const config = parseConfig(MINIMAL, 'crw.yaml', {});
    expect(findTenant(config, 'contoso').tenantId).toBe(TENANT_ID);
    expect(() => findTenant(config, 'contosso')).toThrow(UnknownTenantError);
    expect(() => findTenant(config, 'contosso')).toThrow(
      'unknown tenant "contosso" (did you mean "contoso"?); configured tenants: contoso',
    );
  });
});

describe('configuration errors name the file, the field and the problem', () => {
  it('missing file', () => {
    const missing = path.join(tmp, 'nope', 'crw.yaml');
    expect(() => loadConfig({ path: missing, env: {} })).toThrow(
      `${missing}: config file not found (looked at ${missing}); pass --config <file>, ` +
        'or copy crw.example.yaml to crw.yaml and edit it',
    );
  });

  it('malformed YAML, with line and column', () => {
    const error = configError('redis:\n  url: redis://x\n prefix: crw\n');
    expect(error.message).toBe('crw.yaml:3:1: invalid YAML: All mapping items must start at the same column');
    expect(error.issues[0]).toMatchObject({ line: 3, column: 1 });
  });

  it('unquoted cron expression starting with *', () => {
    const error = configError(
      withTenantLines('schedules:\n  - name: often\n    cron: */5 * * * *\n    tz: UTC'),
    );
    expect(error.message).toMatch(/^crw\.yaml:\d+:\d+: invalid YAML: .*alias.*quote it/);
    expect(error.issues).toHaveLength(1);
  });

  it('empty file', () => {
    expect(configError('# nothing yet\n').message).toBe(
      'crw.yaml: the file is empty; see crw.example.yaml for every field',
    );
  });

  it('missing required field', () => {
    const error = configError(MINIMAL.replace(`    clientId: ${CLIENT_ID}\n`, ''));
    expect(error.message).toBe('crw.yaml: tenants[0].clientId: required field is missing');
    expect(error).toMatchObject({ file: 'crw.yaml', fieldPath: 'tenants[0].clientId' });
  });

  it('missing required field that the environment could set', () => {
    const error = configError(MINIMAL.replace(KEY_VAULT_LINES, 'keyVault: {}\n'));
    expect(error.message).toBe('crw.yaml: keyVault.url: required field is missing (or set CRW_KEYVAULT_URL)');
  });

  it('wrong type', () => {
    const error = configError(MINIMAL + 'worker:\n  concurrency: lots\n  attempts: 2.5\n');
    expect(error.message).toBe(
      [
        'crw.yaml: worker.concurrency: expected a number, got text "lots"',
        'crw.yaml: worker.attempts: expected a whole number, got the number 2.5',
      ].join('\n'),
    );
  });

  it('reports.keepRuns that is not a positive whole number', () => {
    const problem = (value: string) =>
      configError(MINIMAL + `reports:\n  keepRuns: ${value}\n`).message.replace('crw.yaml: ', '');
    expect(problem('0')).toBe(
      'reports.keepRuns: must be at least 1 (complete runs kept per tenant, e.g. 52 for a year of weekly runs), got 0',
    );
    expect(problem('1.5')).toBe('reports.keepRuns: expected a whole number, got the number 1.5');
    expect(problem('x')).toBe('reports.keepRuns: expected a number, got text "x"');
    expect(configError(MINIMAL, { CRW_REPORTS_KEEP_RUNS: '0' }).message).toBe(
      'crw.yaml: reports.keepRuns: CRW_REPORTS_KEEP_RUNS="0": expected a positive integer',
    );
  });

  it('a section with no value', () => {
    expect(configError(MINIMAL + 'redis:\n').message).toBe(
      'crw.yaml: redis: expected a mapping (indented "key: value" lines), got no value',
    );
  });

  it('invalid cron expression', () => {
    const error = configError(
      withTenantLines('schedules:\n  - name: weekly\n    cron: "61 6 * * 1"\n    tz: UTC'),
    );
    expect(error.message).toBe(
      'crw.yaml: tenants[0].schedules[0].cron: invalid cron expression "61 6 * * 1": ' +
        'Constraint error, got value 61 expected range 0-59',
    );
  });

  it('cron expression with too few fields', () => {
    const error = configError(
      withTenantLines('schedules:\n  - name: weekly\n    cron: "0 6 * *"\n    tz: UTC'),
    );
    expect(error.message).toBe(
      'crw.yaml: tenants[0].schedules[0].cron: invalid cron expression "0 6 * *": expected 5 fields ' +
        '(minute hour day-of-month month day-of-week, e.g. "0 6 * * 1") or 6 with seconds first, got 4',
    );
  });

  it('unknown time zone', () => {
    const error = configError(
      withTenantLines(
        'schedules:\n  - name: weekly\n    cron: "0 6 * * 1"\n    tz: UTC\n' +
          '  - name: monthly\n    cron: "0 5 1 * *"\n    tz: Mars/Olympus',
      ),
    );
    expect(error.message).toBe(
      'crw.yaml: tenants[0].schedules[1].tz: unknown time zone "Mars/Olympus" ' +
        '(use an IANA name such as "Europe/Berlin", or "UTC")',
    );
  });

  it('unknown control id: suggests the closest', () => {
    const error = configError(withTenantLines('controls: [CRW-ID-01, crw-id-2]'));
    expect(error.message).toBe(
      'crw.yaml: tenants[0].controls[1]: unknown control id "crw-id-2" (did you mean "CRW-ID-02"?)',
    );
  });

  it('unknown control id: lists the valid ones', () => {
    const error = configError(withTenantLines('controls: [MFA-FOR-ALL]'));
    expect(error.message).toBe(
      `crw.yaml: tenants[0].controls[0]: unknown control id "MFA-FOR-ALL"; expected one of: ${CONTROL_IDS.join(', ')}`,
    );
  });

  it('duplicate tenant name', () => {
    const second = MINIMAL.split('tenants:\n')[1] ?? '';
    const error = configError(MINIMAL + second);
    expect(error.message).toBe(
      'crw.yaml: tenants[1].name: duplicate tenant name "contoso" (also tenants[0]); names must be unique',
    );
  });

  it('duplicate schedule name within a tenant', () => {
    const error = configError(
      withTenantLines(
        'schedules:\n  - name: weekly\n    cron: "0 6 * * 1"\n    tz: UTC\n' +
          '  - name: weekly\n    cron: "0 6 * * 2"\n    tz: UTC',
      ),
    );
    expect(error.message).toBe(
      'crw.yaml: tenants[0].schedules[1].name: duplicate schedule name "weekly" (also schedules[0]); ' +
        'names must be unique',
    );
  });

  it('tenant name unfit for paths and Redis keys', () => {
    const error = configError(MINIMAL.replace('name: contoso', 'name: Contoso Ltd'));
    expect(error.message).toBe(
      'crw.yaml: tenants[0].name: invalid tenant name "Contoso Ltd": use 1-63 lower-case letters, digits and ' +
        'hyphens, starting with a letter or digit (it is used in file paths and Redis keys)',
    );
  });

  it('invalid Key Vault item name', () => {
    const error = configError(MINIMAL.replace('crw-contoso-cert', 'crw_contoso.cert'));
    expect(error.message).toBe(
      'crw.yaml: tenants[0].credential.name: invalid Key Vault item name "crw_contoso.cert": ' +
        'use 1-127 letters, digits and hyphens',
    );
  });

  it('invalid GUID', () => {
    const error = configError(MINIMAL.replace(TENANT_ID, 'contoso.onmicrosoft.com'));
    expect(error.message).toBe(
      'crw.yaml: tenants[0].tenantId: "contoso.onmicrosoft.com" is not a GUID (expected 8-4-4-4-12 hex digits: ' +
        "the Directory (tenant) ID from the tenant's Entra ID overview)",
    );
  });

  it('URL that is not https', () => {
    const error = configError(
      MINIMAL.replace('https://myvault', 'http://myvault') + 'cloud:\n  graphUrl: http://localhost:8080\n',
    );
    expect(error.message).toBe(
      [
        'crw.yaml: cloud.graphUrl: must be an https:// URL, got "http://localhost:8080"',
        'crw.yaml: keyVault.url: must be an https:// URL, got "http://myvault.vault.azure.net"',
      ].join('\n'),
    );
  });

  it('custom cloud without endpoints', () => {
    const error = configError(MINIMAL + 'cloud:\n  name: custom\n  graphUrl: https://127.0.0.1:8443\n');
    expect(error.message).toBe(
      [
        'crw.yaml: cloud.authorityHost: required when cloud.name is "custom" (there is no preset to take it from)',
        'crw.yaml: cloud.exchangeUrl: required when cloud.name is "custom" (there is no preset to take it from)',
      ].join('\n'),
    );
  });

  it('unknown field, with the closest known one', () => {
    const error = configError(withTenantLines('shedules: []'));
    expect(error.message).toBe(
      "crw.yaml: tenants[0].shedules: unknown field 'shedules' (did you mean 'schedules'?)",
    );
  });

  it('unknown top-level field, with the known ones', () => {
    const error = configError(MINIMAL + 'mail:\n  to: x@y.z\n');
    expect(error.message).toBe(
      "crw.yaml: mail: unknown field 'mail' (known fields: redis, reports, log, worker, cloud, keyVault, " +
        'workerIdentity, credentials, delivery, tenants)',
    );
  });

  it('unknown worker identity type', () => {
    const error = configError(MINIMAL + 'workerIdentity:\n  type: managedIdentiy\n');
    expect(error.message).toBe(
      'crw.yaml: workerIdentity.type: unknown type "managedIdentiy" (did you mean "managedIdentity"?)',
    );
  });

  it('environment override with a bad value', () => {
    const error = configError(MINIMAL, { CRW_WORKER_CONCURRENCY: 'abc', CRW_KEYVAULT_URL: 'http://v' });
    expect(error.message).toBe(
      [
        'crw.yaml: worker.concurrency: CRW_WORKER_CONCURRENCY="abc": expected a positive integer',
        'crw.yaml: keyVault.url: CRW_KEYVAULT_URL="http://v": must be an https:// URL, got "http://v"',
      ].join('\n'),
    );
  });

  it('environment values never echo a password in a URL', () => {
    const error = configError(MINIMAL, { CRW_REDIS_URL: 'http://:s3cret@redis:6379' });
    expect(error.message).not.toContain('s3cret');
    expect(error.message).toContain(
      'crw.yaml: redis.url: CRW_REDIS_URL="http://***@redis:6379": must be a redis://',
    );
  });

  it('CA file that does not exist', () => {
    const error = configError(
      MINIMAL + 'cloud:\n  caFile: certs/missing.pem\n',
      {},
      path.join(tmp, 'crw.yaml'),
    );
    expect(error.message).toBe(
      `${path.join(tmp, 'crw.yaml')}: cloud.caFile: CA file not found: ${path.join(tmp, 'certs', 'missing.pem')} ` +
        `(relative paths resolve against ${tmp})`,
    );
  });

  it('reports every problem at once', () => {
    const error = configError(
      MINIMAL.replace(TENANT_ID, 'not-a-guid').replace('type: certificate', 'type: pfx') +
        'log:\n  levle: debug\n',
    );
    expect(error.issues.map((issue) => issue.fieldPath)).toEqual([
      'log.levle',
      'tenants[0].tenantId',
      'tenants[0].credential.type',
    ]);
    expect(error.message.split('\n')).toHaveLength(3);
  });
});

describe('mail delivery settings', () => {
  const MAIL = `mail:\n  via: graph\n  from: reports@contoso.example\n  to: [ciso@contoso.example, audit@contoso.example]\n`;

  it('reads a tenant mail section with defaults', () => {
    const config = parseConfig(withTenantLines(MAIL), path.join(tmp, 'crw.yaml'), {});
    expect(config.tenants[0]?.mail).toEqual({
      via: 'graph',
      from: 'reports@contoso.example',
      to: ['ciso@contoso.example', 'audit@contoso.example'],
      cc: [],
      attachResults: false,
    });
    expect(config.delivery).toEqual({ attempts: 5, backoffSeconds: 60 });
  });

  it.each([
    ['to', 'bob@', 'mail.to[1]'],
    ['cc', 'Alice <alice@contoso.example>', 'mail.cc[0]'],
    ['from', 'reports', 'mail.from'],
  ])(
    'an invalid %s address is a config error naming the tenant, the field and the address',
    (field, bad, where) => {
      const lines =
        field === 'to'
          ? MAIL.replace('audit@contoso.example', JSON.stringify(bad))
          : field === 'cc'
            ? `${MAIL}  cc: [${JSON.stringify(bad)}]\n`
            : MAIL.replace('reports@contoso.example', bad);
      const error = configError(withTenantLines(lines));
      expect(error.fieldPath).toBe(`tenants[0].${where}`);
      expect(error.problem).toContain('tenant "contoso"');
      expect(error.problem).toContain(JSON.stringify(bad));
      expect(error.problem).toContain('not an e-mail address');
    },
  );

  it('SMTP needs delivery.smtp, with username and password secret together', () => {
    const smtpMail = MAIL.replace('via: graph', 'via: smtp');
    const missing = configError(withTenantLines(smtpMail));
    expect(missing.fieldPath).toBe('tenants[0].mail.via');
    expect(missing.problem).toContain('delivery.smtp is not configured');

    const half = configError(
      `delivery:\n  smtp:\n    host: smtp.contoso.example\n    username: reports\n` +
        withTenantLines(smtpMail),
    );
    expect(half.fieldPath).toBe('delivery.smtp');
    expect(half.problem).toContain('passwordSecret');

    const config = parseConfig(
      `delivery:\n  smtp:\n    host: smtp.contoso.example\n    username: reports\n    passwordSecret: smtp-password\n` +
        withTenantLines(smtpMail),
      path.join(tmp, 'crw.yaml'),
      {},
    );
    expect(config.delivery.smtp).toEqual({
      host: 'smtp.contoso.example',
      port: 587,
      security: 'starttls',
      username: 'reports',
      passwordSecret: 'smtp-password',
    });
  });
});
