import type { HttpClient } from './ports';

interface AccessToken {
  value: string;
  expiresAt: number;
}

interface TokenResponse {
  access_token: string;
  expires_in: number;
}

const EARLY_REFRESH_MS = 30_000;

function toAccessToken(res: TokenResponse): AccessToken {
  return { value: res.access_token, expiresAt: Date.now() + res.expires_in * 1000 - EARLY_REFRESH_MS };
}

// RACY (check-then-act): when the token expires under load, every request that arrives
// before the first refresh returns sees it expired and asks the provider for a new one
// (a refresh stampede; providers that rotate refresh tokens then revoke all but one).
export class TokenRefresher {
  private current?: AccessToken;

  constructor(private readonly http: HttpClient, private readonly clientId: string) {}

  async authorization(): Promise<string> {
    if (!this.current || this.current.expiresAt <= Date.now()) {
      const res = await this.http.post<TokenResponse>('/oauth/token', {
        grant_type: 'client_credentials',
        client_id: this.clientId,
      });
      this.current = toAccessToken(res);
    }
    return `Bearer ${this.current.value}`;
  }
}

// SAFE (promise memoization): the first caller stores the refresh *promise* before it
// awaits anything; everyone else awaits the same promise.
export class SharedTokenRefresher {
  private current?: AccessToken;
  private refreshing?: Promise<AccessToken>;

  constructor(private readonly http: HttpClient, private readonly clientId: string) {}

  async authorization(): Promise<string> {
    if (this.current && this.current.expiresAt > Date.now()) return `Bearer ${this.current.value}`;
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    const token = await this.refreshing;
    return `Bearer ${token.value}`;
  }

  private async refresh(): Promise<AccessToken> {
    const res = await this.http.post<TokenResponse>('/oauth/token', {
      grant_type: 'client_credentials',
      client_id: this.clientId,
    });
    this.current = toAccessToken(res);
    return this.current;
  }
}
