import { randomBytes } from "node:crypto";
import { mkdir, open, realpath, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

// Replace a file's text in one step (a private temp file beside it, fsynced, renamed over
// it), keeping its permission bits (0600 for a new file). A symlink (a dotfiles manager's
// ~/.aws/config) is followed: its target is replaced and the link stays.
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const target = await realpath(path).catch(() => path);
  const mode = await stat(target).then(
    (s) => s.mode & 0o7777,
    () => 0o600,
  );
  const dir = dirname(target);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(
    dir,
    `.${basename(target)}.awsx-${process.pid}-${randomBytes(4).toString("hex")}`,
  );
  const fh = await open(tmp, "wx", 0o600);
  try {
    await fh.writeFile(text);
    // On the open file (fchmod), not by name: the name could be swapped for a symbolic link
    // between the close and a chmod, which would then change the mode of its target.
    await fh.chmod(mode);
    await fh.sync();
    await fh.close();
    await rename(tmp, target);
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  }
}
