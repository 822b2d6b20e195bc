import { Semaphore } from 'awaitguard/runtime';
import type { DeliveryResult, HttpClient, SubscriptionStore, WebhookSubscription } from './ports';

export interface WebhookEvent {
  id: string;
  type: string;
  payload: unknown;
}

export class WebhookDispatcher {
  private readonly sem = new Semaphore(8);

  constructor(
    private readonly subscriptions: SubscriptionStore,
    private readonly http: HttpClient,
  ) {}

  // RACY (unbounded-concurrency): one request per subscriber, all at once. A merchant with
  // 5,000 subscriptions opens 5,000 sockets, exhausts the agent's pool and times out most of them.
  async broadcast(event: WebhookEvent): Promise<DeliveryResult[]> {
    const subscribers = await this.subscriptions.forEvent(event.type);
    return Promise.all(subscribers.map(async (sub) => this.send(sub, event)));
  }

  // SAFE: the same fan-out, at most 8 deliveries in flight.
  async broadcastBounded(event: WebhookEvent): Promise<DeliveryResult[]> {
    const subscribers = await this.subscriptions.forEvent(event.type);
    return Promise.all(subscribers.map((sub) => this.sem.runExclusive(() => this.send(sub, event))));
  }

  // SAFE: a fixed list of calls is bounded by construction.
  async ping(primary: WebhookSubscription, backup: WebhookSubscription): Promise<DeliveryResult[]> {
    const event: WebhookEvent = { id: 'ping', type: 'ping', payload: {} };
    return Promise.all([this.send(primary, event), this.send(backup, event)]);
  }

  private async send(sub: WebhookSubscription, event: WebhookEvent): Promise<DeliveryResult> {
    try {
      await this.http.post(sub.url, event, { 'x-signature': sign(sub.secret, event.id) });
      return { subscriptionId: sub.id, ok: true, status: 200 };
    } catch {
      return { subscriptionId: sub.id, ok: false, status: 0 };
    }
  }
}

function sign(secret: string, id: string): string {
  let h = 0;
  for (const ch of secret + id) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return (h >>> 0).toString(16);
}
