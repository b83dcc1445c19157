// A set of AWS credentials; expiration is absent for long-term keys.
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

// Show an access key id the way aws-vault's debug output does: never the whole key.
export const maskKeyId = (id: string): string => (id.length > 8 ? `${id.slice(0, 4)}…${id.slice(-4)}` : "…");
