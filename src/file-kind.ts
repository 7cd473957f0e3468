/**
 * What kind of file a path names, in words for a message ("a FIFO", "a character device"): for
 * refusing what is not a regular file where certkit expects one (the resume state, the local CA's
 * files, a file `--force` would replace).
 */

/** The part of node's `Stats` the answer needs (lstat's, so a symbolic link is one). */
export interface FileKindStats {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}

/** "a regular file", "a directory", "a symbolic link", "a FIFO", "a socket", "a character device", "a block device". */
export function fileKind(st: FileKindStats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a directory';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}
