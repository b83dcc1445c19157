// Reads who signed an AWS request from its SigV4 Authorization header.

// Splits "AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, ..."
// into key id and service.
export function parseSigV4Credential(auth: string | undefined): {
  accessKeyId?: string;
  service?: string;
} {
  const m = /Credential=([^/,\s]+)\/[^/]+\/[^/]+\/([^/]+)\//.exec(auth ?? "");
  return m ? { accessKeyId: m[1], service: m[2] } : {};
}
