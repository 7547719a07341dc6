// Mailbox Graph endpoints (sim/tenant/mailboxes-graph.ts, sim/mail/): inbox rules, sendMail, drafts with upload
// sessions, and the Sent Items filter, called directly with claims as the Graph gateway would pass them.
import { randomBytes } from 'node:crypto';
import { GRAPH_RESOURCE } from '../sim/identity/resources';
import { handleMailUpload, isMailUploadPath } from '../sim/mail/upload';
import { MailStore } from '../sim/mail/store';
import { mailboxDirectoryOf, userHasMailbox } from '../sim/tenant/mailboxes';
import { handleMailboxGraph } from '../sim/tenant/mailboxes-graph';
import { HOSTILE_RULE_NAMES } from '../sim/tenant/mailboxes-rules';
import type { AccessTokenClaims, SimResponse, SimTenant } from '../sim/types';
import { stubTenant } from './helpers/sim-fixtures';

const ORIGIN = 'https://127.0.0.1:8443';
type Json = Record<string, unknown>;
const ALL_ROLES = ['MailboxSettings.Read', 'Mail.Send', 'Mail.ReadWrite'];

function claimsFor(tenant: SimTenant, roles: readonly string[]): AccessTokenClaims {
  return {
    aud: GRAPH_RESOURCE,
    iss: 'https://sts.example/',
    tid: tenant.tenantId,
    appid: tenant.clientId,
    oid: 'x',
    roles: [...roles],
    iat: 0,
    nbf: 0,
    exp: 4102444800,
  };
}

interface Call {
  method?: string;
  body?: unknown;
  roles?: readonly string[];
}

function graph(tenant: SimTenant, store: MailStore, path: string, call: Call = {}): SimResponse {
  const raw =
    call.body === undefined ? '' : typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
  const response = handleMailboxGraph(
    { method: call.method ?? 'GET', url: new URL(`${ORIGIN}${path}`), headers: {}, body: Buffer.from(raw) },
    claimsFor(tenant, call.roles ?? ALL_ROLES),
    tenant,
    store,
  );
  if (!response) throw new Error(`not a mailbox path: ${path}`);
  return response;
}

function bodyOf(response: SimResponse): Json {
  return response.body as Json;
}

function errorCode(response: SimResponse): unknown {
  return (bodyOf(response).error as Json | undefined)?.code;
}

const tenant = stubTenant(2);
const directory = mailboxDirectoryOf(tenant);
const firstUserMailbox = [...directory.all()].find(
  (mailbox) => mailbox.recipientTypeDetails === 'UserMailbox',
);
if (!firstUserMailbox) throw new Error('the tenant has no user mailbox');
const sender = firstUserMailbox;
const userWithoutMailbox = (() => {
  for (let index = 0; index < tenant.options.users; index++) {
    const user = directory.users.user(index);
    if (!userHasMailbox(user)) return user;
  }
  throw new Error('every user has a mailbox');
})();

describe('inbox rules (GET /users/{id|upn}/mailFolders/inbox/messageRules)', () => {
  const store = new MailStore();
  const rulesOf = (user: string, call: Call = {}): SimResponse =>
    graph(tenant, store, `/v1.0/users/${encodeURIComponent(user)}/mailFolders/inbox/messageRules`, call);

  test("Graph's shape: value of rules with recipients collections, unset members left out", () => {
    const response = rulesOf('shared-formula@tenant2.onmicrosoft.com');
    expect(response.status).toBe(200);
    expect(bodyOf(response)['@odata.context']).toMatch(
      /\/v1\.0\/\$metadata#users\('.+'\)\/mailFolders\('inbox'\)\/messageRules$/,
    );
    const rules = bodyOf(response).value as Json[];
    expect(rules.length).toBeGreaterThanOrEqual(10);
    for (const rule of rules) {
      expect(Object.keys(rule)).toEqual([
        'id',
        'displayName',
        'sequence',
        'isEnabled',
        'hasError',
        'isReadOnly',
        'conditions',
        'actions',
      ]);
      expect(rule.id).toMatch(/^AQAAA[A-Za-z0-9+/]{6}=$/);
    }
    const names = rules.map((rule) => rule.displayName);
    for (const hostile of Object.values(HOSTILE_RULE_NAMES)) expect(names).toContain(hostile);
    expect(names.some((name) => typeof name === 'string' && name.length === 40_000)).toBe(true);
    const mixed = rules.find((rule) => rule.displayName === HOSTILE_RULE_NAMES.minus);
    expect((mixed?.actions as Json).forwardAsAttachmentTo).toEqual([
      { emailAddress: { name: 'Team', address: 'team@tenant2.example' } },
      { emailAddress: { name: 'Z', address: 'z@mail.tenant2.example' } },
    ]);
    const disabled = rules.find((rule) => rule.displayName === 'Old forward (disabled)');
    expect(disabled?.isEnabled).toBe(false);
    // Hostile strings survive JSON (lone surrogates are escaped by JSON.stringify).
    expect(JSON.parse(JSON.stringify(rules))).toEqual(rules);
  });

  test('the same rules by object id, UPN or primary address; deterministic', () => {
    const byId = rulesOf(sender.externalDirectoryObjectId);
    const byUpn = rulesOf(sender.userPrincipalName.toUpperCase());
    expect(byId.status).toBe(200);
    expect(bodyOf(byUpn).value).toEqual(bodyOf(byId).value);
    const again = graph(
      stubTenant(2),
      new MailStore(),
      `/v1.0/users/${sender.externalDirectoryObjectId}/mailFolders/inbox/messageRules`,
    );
    expect(bodyOf(again).value).toEqual(bodyOf(byId).value);
    // A shared mailbox whose primary address is on the custom domain.
    const byPrimary = rulesOf('Finance@tenant2.example');
    expect(byPrimary.status).toBe(200);
    expect(bodyOf(rulesOf('finance@tenant2.onmicrosoft.com')).value).toEqual(bodyOf(byPrimary).value);
  });

  test('a user without a mailbox: 404 MailboxNotEnabledForRESTAPI; an unknown user: 404 ErrorInvalidUser', () => {
    const none = rulesOf(userWithoutMailbox.id);
    expect(none.status).toBe(404);
    expect(errorCode(none)).toBe('MailboxNotEnabledForRESTAPI');
    const unknown = rulesOf('nobody@tenant2.onmicrosoft.com');
    expect(unknown.status).toBe(404);
    expect(errorCode(unknown)).toBe('ErrorInvalidUser');
  });

  test('needs MailboxSettings.Read (or ReadWrite); only GET', () => {
    expect(rulesOf(sender.externalDirectoryObjectId, { roles: ['User.Read.All'] }).status).toBe(403);
    expect(errorCode(rulesOf(sender.externalDirectoryObjectId, { roles: ['Mail.Read'] }))).toBe(
      'ErrorAccessDenied',
    );
    expect(rulesOf(sender.externalDirectoryObjectId, { roles: ['MailboxSettings.ReadWrite'] }).status).toBe(
      200,
    );
    expect(rulesOf(sender.externalDirectoryObjectId, { method: 'POST' }).status).toBe(405);
  });

  test('other paths are not mailbox paths (null: the tenant handler answers them)', () => {
    const call = (path: string): SimResponse | null =>
      handleMailboxGraph(
        { method: 'GET', url: new URL(`${ORIGIN}${path}`), headers: {}, body: Buffer.alloc(0) },
        claimsFor(tenant, ALL_ROLES),
        tenant,
        store,
      );
    expect(call('/v1.0/users')).toBeNull();
    expect(call(`/v1.0/users/${sender.externalDirectoryObjectId}`)).toBeNull();
    expect(call('/v1.0/groups/x/members')).toBeNull();
    expect(call('/beta/users/x/mailFolders/inbox/messageRules')).toBeNull();
  });
});

function message(extra: Json = {}): Json {
  return {
    subject: 'Compliance report',
    body: { contentType: 'HTML', content: '<p>Attached.</p>' },
    toRecipients: [{ emailAddress: { name: 'Officer', address: 'officer@tenant2.example' } }],
    ccRecipients: [{ emailAddress: { address: 'audit@external.example' } }],
    ...extra,
  };
}

function sentItems(store: MailStore, internetMessageId: string, roles?: readonly string[]): SimResponse {
  const filter = encodeURIComponent(`internetMessageId eq '${internetMessageId.replace(/'/g, "''")}'`);
  return graph(
    tenant,
    store,
    `/v1.0/users/${sender.userPrincipalName}/mailFolders/sentitems/messages?$filter=${filter}`,
    {
      roles,
    },
  );
}

describe('sendMail (inline attachments)', () => {
  test('202 without body; the store records sender, recipients, body and attachment bytes; Sent Items finds it', () => {
    const store = new MailStore();
    const bytes = randomBytes(100_000);
    const internetMessageId = `<run-1.o'hara@crw.example>`;
    const response = graph(tenant, store, `/v1.0/users/${sender.externalDirectoryObjectId}/sendMail`, {
      method: 'POST',
      body: {
        message: message({
          internetMessageId,
          attachments: [
            {
              '@odata.type': '#microsoft.graph.fileAttachment',
              name: 'report.xlsx',
              contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
              contentBytes: bytes.toString('base64'),
            },
          ],
        }),
        saveToSentItems: true,
      },
    });
    expect(response.status).toBe(202);
    expect(response.body).toBeUndefined();
    const [sent] = store.list();
    expect(store.list()).toHaveLength(1);
    expect(sent?.sender.address).toBe(sender.primarySmtpAddress);
    expect(sent?.toRecipients).toEqual([{ name: 'Officer', address: 'officer@tenant2.example' }]);
    expect(sent?.body).toEqual({ contentType: 'html', content: '<p>Attached.</p>' });
    expect(sent?.internetMessageId).toBe(internetMessageId);
    expect(sent?.attachments[0]?.bytes.equals(bytes)).toBe(true);
    expect(sent?.via).toBe('sendMail');

    const found = sentItems(store, internetMessageId);
    expect(found.status).toBe(200);
    const value = bodyOf(found).value as Json[];
    expect(value.map((item) => item.internetMessageId)).toEqual([internetMessageId]);
    expect(value[0]?.isDraft).toBe(false);
    expect(bodyOf(sentItems(store, '<other@crw.example>')).value).toEqual([]);
    expect(sentItems(store, internetMessageId, ['Mail.Send']).status).toBe(403);

    store.clear();
    expect(store.list()).toEqual([]);
    expect(bodyOf(sentItems(store, internetMessageId)).value).toEqual([]);
  });

  test('Exchange assigns an internetMessageId; saveToSentItems false keeps it out of Sent Items', () => {
    const store = new MailStore();
    const call = (save: boolean): SimResponse =>
      graph(tenant, store, `/v1.0/users/${sender.userPrincipalName}/sendMail`, {
        method: 'POST',
        body: { Message: message(), SaveToSentItems: save },
      });
    expect(call(false).status).toBe(202);
    const [record] = store.list();
    expect(record?.internetMessageId).toMatch(/^<[0-9A-F]{40}@.+>$/);
    expect(record?.savedToSentItems).toBe(false);
    expect(bodyOf(sentItems(store, record?.internetMessageId ?? '')).value).toEqual([]);
  });

  test('errors: Mail.Send needed, a sender without mailbox, no recipients, bad JSON', () => {
    const store = new MailStore();
    const send = (user: string, body: unknown, roles?: readonly string[]): SimResponse =>
      graph(tenant, store, `/v1.0/users/${encodeURIComponent(user)}/sendMail`, {
        method: 'POST',
        body,
        roles,
      });
    expect(errorCode(send(sender.userPrincipalName, { message: message() }, ['Mail.ReadWrite']))).toBe(
      'ErrorAccessDenied',
    );
    expect(errorCode(send(userWithoutMailbox.userPrincipalName, { message: message() }))).toBe(
      'MailboxNotEnabledForRESTAPI',
    );
    expect(errorCode(send('ghost@tenant2.onmicrosoft.com', { message: message() }))).toBe('ErrorInvalidUser');
    expect(
      errorCode(send(sender.userPrincipalName, { message: message({ toRecipients: [], ccRecipients: [] }) })),
    ).toBe('ErrorInvalidRecipients');
    expect(send(sender.userPrincipalName, '{not json').status).toBe(400);
    expect(
      send(sender.userPrincipalName, { message: message({ internetMessageId: 'no-brackets' }) }).status,
    ).toBe(400);
    expect(store.list()).toEqual([]);
  });

  test('inline attachments of 3 MB or more: 400 ErrorMessageSizeExceeded; requests over 4 MB: 413', () => {
    const store = new MailStore();
    const attach = (size: number): Json =>
      message({
        attachments: [
          {
            '@odata.type': '#microsoft.graph.fileAttachment',
            name: 'big.bin',
            contentBytes: Buffer.alloc(size).toString('base64'),
          },
        ],
      });
    const path = `/v1.0/users/${sender.userPrincipalName}/sendMail`;
    const tooBig = graph(tenant, store, path, { method: 'POST', body: { message: attach(3_050_000) } });
    expect(tooBig.status).toBe(400);
    expect(errorCode(tooBig)).toBe('ErrorMessageSizeExceeded');
    const huge = graph(tenant, store, path, { method: 'POST', body: { message: attach(3_200_000) } });
    expect(huge.status).toBe(413);
    expect(graph(tenant, store, path, { method: 'POST', body: { message: attach(2_900_000) } }).status).toBe(
      202,
    );
  });
});

describe('large attachments: draft, upload session, chunks, send', () => {
  function upload(
    url: string,
    chunk: Buffer,
    range: string,
    headers: Json = {},
    method = 'PUT',
  ): SimResponse {
    const parsed = new URL(url);
    expect(isMailUploadPath(parsed.pathname)).toBe(true);
    return handleMailUpload(
      {
        method,
        url: parsed,
        headers: { 'content-range': range, ...(headers as Record<string, string>) },
        body: chunk,
      },
      store,
    );
  }
  let store = new MailStore();
  beforeEach(() => {
    store = new MailStore();
  });

  function createDraft(): string {
    const response = graph(tenant, store, `/v1.0/users/${sender.externalDirectoryObjectId}/messages`, {
      method: 'POST',
      body: message({ internetMessageId: '<large-1@crw.example>' }),
    });
    expect(response.status).toBe(201);
    expect(bodyOf(response).isDraft).toBe(true);
    return String(bodyOf(response).id);
  }

  function createSession(draftId: string, size: number): SimResponse {
    return graph(
      tenant,
      store,
      `/v1.0/users/${sender.externalDirectoryObjectId}/messages/${encodeURIComponent(draftId)}/attachments/createUploadSession`,
      {
        method: 'POST',
        body: {
          AttachmentItem: {
            attachmentType: 'file',
            name: 'report.xlsx',
            size,
            contentType: 'application/zip',
          },
        },
      },
    );
  }

  test('a 5 MB attachment in 2 MB chunks is reassembled byte for byte and sent', () => {
    const file = randomBytes(5 * 1024 * 1024 + 123);
    const draftId = createDraft();
    const session = createSession(draftId, file.length);
    expect(session.status).toBe(201);
    const { uploadUrl, nextExpectedRanges, expirationDateTime } = bodyOf(session) as {
      uploadUrl: string;
      nextExpectedRanges: string[];
      expirationDateTime: string;
    };
    expect(uploadUrl.startsWith(`${ORIGIN}/api/v2.0/Users('`)).toBe(true);
    expect(uploadUrl).toContain('?authtoken=');
    expect(nextExpectedRanges).toEqual(['0-']);
    expect(Date.parse(expirationDateTime)).toBeGreaterThan(Date.now());

    const chunkSize = 2 * 1024 * 1024;
    let last: SimResponse | undefined;
    for (let start = 0; start < file.length; start += chunkSize) {
      const end = Math.min(start + chunkSize, file.length) - 1;
      last = upload(uploadUrl, file.subarray(start, end + 1), `bytes ${start}-${end}/${file.length}`);
      if (end < file.length - 1) {
        expect(last.status).toBe(200);
        expect(bodyOf(last).nextExpectedRanges).toEqual([String(end + 1)]);
      }
    }
    expect(last?.status).toBe(201);
    expect(last?.headers?.location).toMatch(/\/Attachments\('.+'\)$/);

    const sendPath = `/v1.0/users/${sender.externalDirectoryObjectId}/messages/${encodeURIComponent(draftId)}/send`;
    expect(graph(tenant, store, sendPath, { method: 'POST' }).status).toBe(202);
    const [sent] = store.list();
    expect(sent?.via).toBe('draft');
    expect(sent?.attachments).toHaveLength(1);
    expect(sent?.attachments[0]?.uploaded).toBe(true);
    expect(sent?.attachments[0]?.bytes.equals(file)).toBe(true);
    // Sent once: the draft id is gone, Sent Items holds one copy.
    expect(errorCode(graph(tenant, store, sendPath, { method: 'POST' }))).toBe('ErrorItemNotFound');
    expect(bodyOf(sentItems(store, '<large-1@crw.example>')).value).toHaveLength(1);
  });

  test('PUT rules: no Authorization header, bytes in order, at most 4 MB, the right total', () => {
    const draftId = createDraft();
    const size = 9 * 1024 * 1024;
    const { uploadUrl } = bodyOf(createSession(draftId, size)) as { uploadUrl: string };
    const chunk = Buffer.alloc(1024 * 1024);
    const withAuth = upload(uploadUrl, chunk, `bytes 0-${chunk.length - 1}/${size}`, {
      authorization: 'Bearer x',
    });
    expect(withAuth.status).toBe(401);
    expect(upload(uploadUrl, chunk, `bytes 1024-${1024 + chunk.length - 1}/${size}`).status).toBe(416);
    expect(upload(uploadUrl, chunk, `bytes 0-${chunk.length - 1}/${size + 1}`).status).toBe(400);
    expect(upload(uploadUrl, chunk, `bytes 0-10/${size}`).status).toBe(400);
    const big = Buffer.alloc(4 * 1024 * 1024 + 1);
    expect(upload(uploadUrl, big, `bytes 0-${big.length - 1}/${size}`).status).toBe(413);
    expect(
      upload(
        uploadUrl.replace(/authtoken=[^&]+/, 'authtoken=forged'),
        chunk,
        `bytes 0-${chunk.length - 1}/${size}`,
      ).status,
    ).toBe(404);
    const ok = upload(uploadUrl, chunk, `bytes 0-${chunk.length - 1}/${size}`);
    expect(ok.status).toBe(200);
    expect(bodyOf(upload(uploadUrl, Buffer.alloc(0), '', {}, 'GET')).nextExpectedRanges).toEqual([
      String(chunk.length),
    ]);
    expect(upload(uploadUrl, Buffer.alloc(0), '', {}, 'DELETE').status).toBe(204);
    expect(upload(uploadUrl, chunk, `bytes ${chunk.length}-${2 * chunk.length - 1}/${size}`).status).toBe(
      404,
    );
  });

  test('createUploadSession: under 3 MB refused, needs Mail.ReadWrite and an existing draft', () => {
    const draftId = createDraft();
    const small = createSession(draftId, 1_000_000);
    expect(small.status).toBe(400);
    expect(errorCode(small)).toBe('ErrorAttachmentSizeShouldNotBeLessThanMinimumSize');
    expect(errorCode(createSession('AAMkAGI2missing', 5_000_000))).toBe('ErrorItemNotFound');
    const denied = graph(
      tenant,
      store,
      `/v1.0/users/${sender.externalDirectoryObjectId}/messages/${encodeURIComponent(draftId)}/attachments/createUploadSession`,
      {
        method: 'POST',
        roles: ['Mail.Send'],
        body: { AttachmentItem: { attachmentType: 'file', name: 'a', size: 5_000_000 } },
      },
    );
    expect(errorCode(denied)).toBe('ErrorAccessDenied');
  });
});
