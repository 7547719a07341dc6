// Removes token- and key-shaped text from strings before they reach a log line or an error message.
// Azure SDK and MSAL errors can echo request bodies (client_secret, client_assertion) and bearer tokens.

const PATTERNS: Array<[RegExp, string]> = [
  [/-----BEGIN [A-Z ]+-----[\s\S]*?(-----END [A-Z ]+-----|$)/g, '[redacted pem]'],
  [/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, '[redacted jwt]'],
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1[redacted]'],
  [
    /((?:client_secret|client_assertion|access_token|refresh_token|password)["']?\s*[=:]\s*["']?)[^&"'\s,}]+/gi,
    '$1[redacted]',
  ],
];

export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
