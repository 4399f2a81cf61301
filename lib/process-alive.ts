/**
 * Whether a process id still names a live process: signal 0 checks without sending anything, and
 * EPERM means it exists under another user. Used to tell abandoned temporary files and locks
 * (named after the pid that made them) from those of a run still in progress.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
