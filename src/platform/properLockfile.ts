import properLockfile from "proper-lockfile";

// proper-lockfile's lock, behind a module of its own so the build can bundle it (with
// graceful-fs, retry and signal-exit, ~31 KB) apart from the warm path, which never locks.
export const { lock } = properLockfile;
