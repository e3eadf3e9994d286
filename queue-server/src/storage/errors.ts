/** Storage problems a person must fix before the server can start; `npm start` prints the message. */
import { bilingual, type LocalizedText } from '@oss/protocol';

export type StorageProblem = 'not-a-folder' | 'corrupt' | 'citizen-key' | 'too-new';

export class StorageError extends Error {
  constructor(
    readonly text: LocalizedText,
    readonly problem: StorageProblem,
  ) {
    super(bilingual(text));
  }
}
