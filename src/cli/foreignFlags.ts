// Flags aws-vault users type out of habit, with the awsx way in one line: shown instead of a
// bare "unknown option" (a flag awsx learns later is found first and never reaches here).
export const AWS_VAULT_FLAGS: Readonly<Record<string, string>> = {
  "--no-session":
    "awsx already passes long-term keys with no session, as the AWS CLI does; roles are " +
    "still assumed: drop --no-session",
  "-n": "that is aws-vault's --no-session: awsx passes long-term keys with no session; drop -n",
  "--ecs-server": "awsx's ECS-style credential server is exec --server",
  "--ec2-server": "awsx has no EC2 metadata server: use exec --server (ECS-style)",
  "--lazy": "awsx fetches credentials before the command starts: drop --lazy",
  "-t": "awsx spells it --mfa-token CODE",
};
