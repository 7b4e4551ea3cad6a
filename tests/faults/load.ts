import { signWhatsAppBody } from '@custody/connectors';
import { textWebhook } from '@custody/testing/whatsapp';

export interface LoadOptions {
  url: string;
  instance: string;
  secret: string;
  label: string;
  count: number;
  concurrency: number;
  /** A webhook not acknowledged by then fails the run (bounded waits, never a hang). */
  giveUpMs: number;
}

/**
 * Posts `count` distinct signed webhooks like a vendor: each is redelivered (same body) on 503 or
 * a broken connection until it is acknowledged with 200. Any other answer fails the run.
 */
export class WebhookLoad {
  /** Envelope ids of acknowledged webhooks, each with how often its webhook was acknowledged. */
  readonly acked = new Map<string, number>();
  unavailable = 0;
  connectionErrors = 0;
  private readonly done: Promise<void>;

  constructor(private readonly opts: LoadOptions) {
    this.done = this.run();
    this.done.catch(() => undefined); // surfaced by finished()
  }

  finished(): Promise<void> {
    return this.done;
  }

  private async run(): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < this.opts.count) {
        const i = next++;
        await this.deliver(textWebhook(`fault ${this.opts.label} message ${i}`).body);
      }
    };
    await Promise.all(Array.from({ length: this.opts.concurrency }, worker));
  }

  private async deliver(body: string): Promise<void> {
    const deadline = Date.now() + this.opts.giveUpMs;
    for (let attempt = 0; ; attempt++) {
      let status: number | undefined;
      try {
        const res = await fetch(`${this.opts.url}/webhooks/${this.opts.instance}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody(this.opts.secret, body) },
          body,
          signal: AbortSignal.timeout(60_000),
        });
        status = res.status;
        const answer = (await res.json()) as { ids?: string[]; error?: { code: string } };
        if (res.status === 200) {
          for (const id of answer.ids ?? []) this.acked.set(id, (this.acked.get(id) ?? 0) + 1);
          return;
        }
        if (res.status !== 503) throw new Error(`webhook answered ${res.status} ${JSON.stringify(answer)}`);
        this.unavailable++;
      } catch (err) {
        if (status !== undefined && status !== 503) throw err;
        if (status === undefined) this.connectionErrors++;
      }
      if (Date.now() > deadline)
        throw new Error(`a ${this.opts.label} webhook was not acknowledged within ${this.opts.giveUpMs} ms (last status ${status ?? 'connection error'})`);
      await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random() / 2)));
    }
  }
}
