// Graph's JSON for stored messages and file attachments, and the ids Outlook gives them.
import { createHash, randomBytes } from 'node:crypto';
import type { MailAddress, StoredAttachment, StoredMessage, WellKnownFolder } from './store';

/** Properties of a message the simulator returns (and accepts in $select), in Graph's order. */
export const MESSAGE_PROPERTIES: readonly string[] = [
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'categories',
  'receivedDateTime',
  'sentDateTime',
  'hasAttachments',
  'internetMessageId',
  'subject',
  'bodyPreview',
  'importance',
  'parentFolderId',
  'conversationId',
  'isDeliveryReceiptRequested',
  'isReadReceiptRequested',
  'isRead',
  'isDraft',
  'webLink',
  'inferenceClassification',
  'body',
  'sender',
  'from',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
  'replyTo',
  'flag',
];

/** Outlook item ids: long base64 with "-" and "_", starting "AAMk". */
export function newItemId(): string {
  return `AAMkAGI2${randomBytes(60).toString('base64url')}AAA=`;
}

/** An Exchange Online style Message-ID. */
export function newInternetMessageId(): string {
  const server = 'SIM1PR01MB0001.namprd01.prod.outlook.com';
  return `<${randomBytes(20).toString('hex').toUpperCase()}@${server}>`;
}

export function newConversationId(): string {
  return `AAQkAGI2${randomBytes(24).toString('base64url')}=`;
}

function folderId(folder: WellKnownFolder): string {
  return `AAMkAGI2AAAAAAEL${Buffer.from(folder).toString('base64url')}AAA=`;
}

function recipient(address: MailAddress): { emailAddress: { name: string; address: string } } {
  return { emailAddress: { name: address.name ?? address.address, address: address.address } };
}

function preview(message: StoredMessage): string {
  const text =
    message.body.contentType === 'html'
      ? message.body.content.replace(/<[^>]*>/g, ' ')
      : message.body.content;
  return text.replace(/\s+/g, ' ').trim().slice(0, 255);
}

export function messageResource(message: StoredMessage): Record<string, unknown> {
  const sender = recipient({ name: message.mailbox.name, address: message.mailbox.address });
  const isDraft = message.folder === 'drafts';
  return {
    id: message.id,
    createdDateTime: message.createdDateTime,
    lastModifiedDateTime: message.lastModifiedDateTime,
    changeKey: createHash('sha256')
      .update(message.lastModifiedDateTime + message.id)
      .digest('base64')
      .slice(0, 40),
    categories: [],
    receivedDateTime: message.sentDateTime ?? message.createdDateTime,
    sentDateTime: message.sentDateTime,
    hasAttachments: message.attachments.some((attachment) => !attachment.isInline),
    internetMessageId: message.internetMessageId,
    subject: message.subject,
    bodyPreview: preview(message),
    importance: 'normal',
    parentFolderId: folderId(message.folder),
    conversationId: message.conversationId,
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead: true,
    isDraft,
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(message.id)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: 'focused',
    body: { contentType: message.body.contentType, content: message.body.content },
    sender: isDraft ? null : sender,
    from: isDraft ? null : sender,
    toRecipients: message.toRecipients.map(recipient),
    ccRecipients: message.ccRecipients.map(recipient),
    bccRecipients: message.bccRecipients.map(recipient),
    replyTo: message.replyTo.map(recipient),
    flag: { flagStatus: 'notFlagged' },
  };
}

export function attachmentResource(
  attachment: StoredAttachment,
  withContent: boolean,
): Record<string, unknown> {
  const resource: Record<string, unknown> = {
    '@odata.type': '#microsoft.graph.fileAttachment',
    '@odata.mediaContentType': attachment.contentType,
    id: attachment.id,
    lastModifiedDateTime: attachment.lastModifiedDateTime,
    name: attachment.name,
    contentType: attachment.contentType,
    size: attachment.size,
    isInline: attachment.isInline,
    contentId: attachment.contentId,
    contentLocation: null,
  };
  if (withContent) resource.contentBytes = attachment.bytes.toString('base64');
  return resource;
}
