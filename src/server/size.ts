/**
 * The `awaitguard.maxFileSize` limit. Analysis time and memory grow with the file, and a generated bundle of
 * tens of megabytes would hold the server for minutes, so a file above the limit is not analysed at all.
 * Sizes are UTF-8 bytes, as on disk, so an open document and its saved file are judged alike.
 */

const KB = 1024;

/** Whether `text` takes more than `limitKb` KB as UTF-8; counts bytes only when its length cannot tell. */
export function textOverLimit(text: string, limitKb: number): boolean {
  const limit = limitKb * KB;
  // A UTF-16 code unit takes one to three bytes.
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  return Buffer.byteLength(text, 'utf8') > limit;
}

/** Why a file of `bytes` bytes is not analysed, for the status item and the log. */
export function tooLargeMessage(bytes: number, limitKb: number): string {
  return `${formatSize(bytes)} is over awaitguard.maxFileSize (${limitKb} KB), so it is not analysed`;
}

export function textSize(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function formatSize(bytes: number): string {
  // Exact below a megabyte, where a rounded figure could read as equal to a small limit.
  return bytes >= KB * KB ? `${(bytes / (KB * KB)).toFixed(1)} MB` : `${bytes} bytes`;
}
