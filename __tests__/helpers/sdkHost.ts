// Which host an AWS SDK client would call, for the tests that hold awsx's endpoint labels
// against the SDK's own choice (unit/stsLabel, unit/ssoLabel).

// The parts of any SDK v3 client used here.
interface SdkClient {
  middlewareStack: { add(middleware: any, options: any): void };
  send(command: any): Promise<unknown>;
}

// The https://host `client` sends `command` to, read off the request at the last step before
// sending, where it is stopped: no request leaves the process.
export async function hostCalled(client: SdkClient, command: unknown): Promise<string> {
  let host = "";
  client.middlewareStack.add(
    () => async (args: { request: unknown }) => {
      host = `https://${(args.request as { hostname: string }).hostname}`;
      throw new Error("stopped before sending");
    },
    { step: "finalizeRequest", priority: "low" },
  );
  await client.send(command).catch(() => undefined);
  return host;
}
