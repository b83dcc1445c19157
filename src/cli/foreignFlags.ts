// Flags aws-vault users type out of habit, with the awsx way in one line: shown instead of a
// bare "unknown option" (a flag awsx learns later is found first and never reaches here).
export const AWS_VAULT_FLAGS: Readonly<Record<string, string>> = {
  "-n": "that is aws-vault's --no-session: awsx spells it --no-session",
  "--ecs-server": "awsx's ECS-style credential server is exec --server",
  "--ec2-server": "awsx has no EC2 metadata server: use exec --server (ECS-style)",
  "--lazy": "awsx fetches credentials before the command starts: drop --lazy",
  "-t": "awsx spells it --mfa-token CODE",
};
