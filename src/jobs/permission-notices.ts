import type { PermissionAnalysis, ScanningApp } from '../controls/permissions';
import type { ReportNotice } from '../reports/workbook-layout';

/**
 * Pure: the report's Summary warnings for a permission analysis: one per missing permission (naming the controls
 * it blocks) and one per write-capable permission no selected control needs.
 */
export function permissionNotices(analysis: PermissionAnalysis, app: ScanningApp): ReportNotice[] {
  const blockedBy = new Map<string, string[]>();
  for (const blocked of analysis.blocked) {
    for (const permission of blocked.missing) {
      blockedBy.set(permission, [...(blockedBy.get(permission) ?? []), blocked.controlId]);
    }
  }
  const notices: ReportNotice[] = [];
  for (const [permission, controls] of blockedBy) {
    notices.push({
      kind: 'missing-permission',
      message:
        `${permission} is not granted to the app registration "${app.clientId}" in tenant ${app.tenantId}, ` +
        `so ${controls.join(', ')} could not run: grant it and admin-consent it`,
    });
  }
  for (const permission of analysis.excess) {
    notices.push({
      kind: 'excess-permission',
      message:
        `${permission} is granted to the app registration "${app.clientId}" but no selected control needs it: ` +
        `remove it (the scan only reads)`,
    });
  }
  return notices;
}
