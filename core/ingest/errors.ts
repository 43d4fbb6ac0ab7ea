/**
 * An input that cannot be used at all (no customer column, unreadable file, bad column map).
 * The message is one line, written for the person who supplied the file.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
