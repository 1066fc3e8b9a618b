import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/**
 * The largest configuration file read at start (accounts, service profiles, a simulator seed,
 * a secret file). Real ones are a few KiB; a file of megabytes is a mistake or an attack, and
 * parsing it cost seconds and hundreds of MiB (issue 19, item 20).
 */
export const MAX_CONFIG_FILE_BYTES = 256 * 1024;

/** Reads a configuration file as UTF-8, refusing one over the cap before reading it. */
export function readConfigFile(path: string): string {
  const fd = openSync(path, "r");
  try {
    const { size } = fstatSync(fd);
    if (size > MAX_CONFIG_FILE_BYTES) {
      throw new FileTooLargeError(path, size);
    }
    const buffer = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

export class FileTooLargeError extends Error {
  readonly code = "EFBIG";
  constructor(path: string, size: number) {
    super(
      `${path} is ${Math.ceil(size / 1024)} KiB; configuration files are limited to ${MAX_CONFIG_FILE_BYTES / 1024} KiB`,
    );
    this.name = "FileTooLargeError";
  }
}
