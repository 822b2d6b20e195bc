/**
 * One value per document, valid for one document version and one configuration. The editor asks for code
 * actions at every cursor move; building every fix of a file is the cost of a full analysis and more, so it
 * is done once per edit, not once per request.
 */
export class VersionCache<T> {
  private readonly entries = new Map<string, { version: number; key: string; value: T }>();

  get(uri: string, version: number, key: string, compute: () => T): T {
    const entry = this.entries.get(uri);
    if (entry && entry.version === version && entry.key === key) return entry.value;
    const value = compute();
    this.entries.set(uri, { version, key, value });
    return value;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }
}
