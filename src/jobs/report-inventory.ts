import type { ScanCheckpoint, SpooledRows } from '../checkpoints/scan-checkpoint';
import type { Collected } from '../collectors/types';
import type { ControlContext } from '../controls/control';
import {
  administratorsTable,
  conditionalAccessTable,
  inventorySheet,
  MAILBOX_COLUMNS,
  spooledTable,
  USER_COLUMNS,
} from '../reports/inventory';
import type { FieldSpec, SheetSpec } from '../reports/workbook-layout';

/** No rows: the part was not collected (a generator object is iterated once, so a new one each time). */
function noRows(): SpooledRows {
  return { count: 0, rows: (async function* () {})() };
}

/**
 * The report's inventory sheets and the Summary's "assets scanned" lines, from what the scan collected: the
 * users' and mailboxes' rows as the streams spooled them in the checkpoint, the rest from the tenant snapshot. A
 * part that failed shows its reason and no rows (its spool may hold the pages read before the failure).
 */
export async function reportInventory(
  checkpoint: ScanCheckpoint,
  context: ControlContext,
): Promise<{ sheets: SheetSpec[]; assets: FieldSpec[] }> {
  const users = context.userScan?.ok ? await checkpoint.inventory('users') : noRows();
  const mailboxes = context.mailboxScan?.ok ? await checkpoint.inventory('mailboxes') : noRows();
  const access = context.privilegedAccess;
  const policies = context.conditionalAccess;
  return {
    sheets: [
      inventorySheet('Users', context.userScan, spooledTable(USER_COLUMNS, users)),
      inventorySheet(
        'Administrators',
        access,
        administratorsTable(access, context.registrations, context.permanentAssignments),
      ),
      inventorySheet('Mailboxes', context.mailboxScan, spooledTable(MAILBOX_COLUMNS, mailboxes)),
      inventorySheet(
        'Conditional Access',
        policies,
        conditionalAccessTable(policies, context.conditionalAccessExclusions, access),
      ),
    ],
    assets: [
      assetCount('Users scanned', context.userScan, users.count),
      assetCount('Privileged role holders', access, access.ok ? access.value.users.length : 0),
      assetCount('Mailboxes scanned', context.mailboxScan, mailboxes.count),
      assetCount('Conditional Access policies', policies, policies?.ok ? policies.value.policies.length : 0),
    ],
  };
}

function assetCount(label: string, collected: Collected<unknown> | undefined, count: number): FieldSpec {
  if (collected === undefined) return { label, value: 'not collected: no control of this scan reads it' };
  if (!collected.ok) return { label, value: `not collected: ${collected.reason}` };
  return { label, value: count };
}
