// The Exchange admin API's error shapes. Cmdlet failures: error.message is always "Invalid Operation"; the useful
// text is in error.details[].message ("|ExceptionType|text") and error.innererror.internalException.message.
// Authentication failures: 401 with an empty body, WWW-Authenticate and x-ms-diagnostics.
import { randomUUID } from 'node:crypto';
import type { SimResponse } from '../types';

/**
 * Property name of the innermost exception, as the wire facts spell it. Captures of the live service show
 * "internalexception" (all lower case); clients should read it case-insensitively.
 */
export const INTERNAL_EXCEPTION_PROPERTY = 'internalException';

export interface CmdletFailure {
  status: number;
  /** error.code, e.g. "BadRequest", "NotFound". */
  code: string;
  /** .NET type of the underlying exception, e.g. "System.Management.Automation.CommandNotFoundException". */
  exceptionType: string;
  message: string;
}

/** Thrown while running a cmdlet; the handler turns it into cmdletErrorResponse. */
export class CmdletError extends Error {
  constructor(readonly failure: CmdletFailure) {
    super(failure.message);
    this.name = 'CmdletError';
  }
}

export function cmdletErrorResponse(failure: CmdletFailure): SimResponse {
  return {
    status: failure.status,
    headers: { 'request-id': randomUUID() },
    body: {
      error: {
        code: failure.code,
        message: 'Invalid Operation',
        details: [{ code: 'Client', target: '', message: `|${failure.exceptionType}|${failure.message}` }],
        innererror: {
          message: 'Invalid Operation',
          type: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException',
          stacktrace: '',
          [INTERNAL_EXCEPTION_PROPERTY]: {
            message: failure.message,
            type: failure.exceptionType,
            stacktrace: '',
          },
        },
      },
    },
  };
}

export const unknownCmdlet = (name: string): CmdletError =>
  new CmdletError({
    status: 400,
    code: 'BadRequest',
    exceptionType: 'System.Management.Automation.CommandNotFoundException',
    message:
      `The term '${name}' is not recognized as a name of a cmdlet, function, script file, or executable program. ` +
      'Check the spelling of the name, or if a path was included, verify that the path is correct and try again.',
  });

export const unknownParameters = (names: string[]): CmdletError =>
  new CmdletError({
    status: 400,
    code: 'BadRequest',
    exceptionType: 'Microsoft.Exchange.AdminApi.CommandInvocation.AmbiguousParameterSetException',
    message:
      'Parameter set cannot be resolved using the specified named parameters. Invalid cmdlet parameters ' +
      `specified. ${names.join(', ')}`,
  });

export const invalidParameterValue = (parameter: string, value: unknown, expected: string): CmdletError =>
  new CmdletError({
    status: 400,
    code: 'BadRequest',
    exceptionType: 'Microsoft.Exchange.AdminApi.CommandInvocation.ParameterTransformationException',
    message:
      `Cannot process argument transformation on parameter '${parameter}'. Cannot convert value ` +
      `"${String(value)}" to type "${expected}".`,
  });

export const objectNotFound = (identity: string): CmdletError =>
  new CmdletError({
    status: 404,
    code: 'NotFound',
    exceptionType: 'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
    message: `The operation couldn't be performed because object '${identity}' couldn't be found on 'SIM01A001DC001.NAMPR01A001.PROD.OUTLOOK.COM'.`,
  });

export const invalidPagination = (): CmdletError =>
  new CmdletError({
    status: 400,
    code: 'BadRequest',
    exceptionType: 'System.Exception',
    message: 'Expired or Invalid pagination request. Default Expiry time is 00:30:00',
  });

export const badRequestBody = (message: string): CmdletError =>
  new CmdletError({
    status: 400,
    code: 'BadRequest',
    exceptionType: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException',
    message,
  });

/** What Exchange Online sends with a 401 (the resource's first-party app id is Exchange's). */
const EXCHANGE_WWW_AUTHENTICATE =
  'Bearer client_id="00000002-0000-0ff1-ce00-000000000000", ' +
  'trusted_issuers="00000001-0000-0000-c000-000000000000@*", ' +
  'token_types="app_asserted_user_v1 service_asserted_app_v1", ' +
  'authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token"';

/** 401: no body; the reason is in x-ms-diagnostics as "code;reason=\"…\";error_category=\"…\"". */
export function exchangeUnauthorized(
  diagnosticCode: number,
  reason: string,
  category: 'invalid_token' | 'invalid_grant',
): SimResponse {
  return {
    status: 401,
    headers: {
      'www-authenticate': EXCHANGE_WWW_AUTHENTICATE,
      'x-ms-diagnostics': `${diagnosticCode};reason="${reason.replace(/"/g, "'")}";error_category="${category}"`,
      'request-id': randomUUID(),
    },
  };
}

/** 403 for a token whose roles lack Exchange.ManageAsApp. */
export function exchangeForbidden(cmdletName: string, appId: string): SimResponse {
  return cmdletErrorResponse({
    status: 403,
    code: 'Forbidden',
    exceptionType: 'Microsoft.Exchange.Configuration.Tasks.ManagementObjectAccessDeniedException',
    message:
      `The application ${appId} is not allowed to call ${cmdletName}: the token has no Exchange.ManageAsApp ` +
      'application permission. Grant it (and a directory role such as Global Reader) to the app.',
  });
}
