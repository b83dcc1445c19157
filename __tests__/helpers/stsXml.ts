// Real-shaped STS Query-protocol XML bodies (success and ErrorResponse) for the fake STS.
import { randomUUID } from "node:crypto";

const NS = "https://sts.amazonaws.com/doc/2011-06-15/";

// Temporary credentials as STS returns them.
export interface StsCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: Date;
}

// Escapes text for XML element content.
function xmlEscape(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

// ISO-8601 without milliseconds, like STS: 2019-11-09T13:34:41Z.
function stsDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

// Renders a nested object as XML elements (undefined values are left out).
function el(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => {
      if (v instanceof Date) return `<${k}>${stsDate(v)}</${k}>`;
      if (typeof v === "object" && v !== null)
        return `<${k}>${el(v as Record<string, unknown>)}</${k}>`;
      return `<${k}>${xmlEscape(String(v))}</${k}>`;
    })
    .join("");
}

// <{Action}Response><{Action}Result>...</><ResponseMetadata><RequestId/></></>
export function successXml(
  action: string,
  result: Record<string, unknown>,
  requestId = randomUUID(),
): string {
  return (
    `<${action}Response xmlns="${NS}"><${action}Result>${el(result)}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>\n`
  );
}

// <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>
export function errorXml(
  code: string,
  message: string,
  type: "Sender" | "Receiver",
  requestId = randomUUID(),
): string {
  return (
    `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${xmlEscape(code)}</Code>` +
    `<Message>${xmlEscape(message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>\n`
  );
}
