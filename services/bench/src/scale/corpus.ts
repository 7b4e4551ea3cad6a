/**
 * Synthetic but realistic traffic for the scale bench: three tenants of different sizes, three
 * channels with their own delivery shapes (WhatsApp and LINE batch events per signed request,
 * Telegram sends one update per request), conversations of a few hundred messages, text drawn from
 * a Zipf-distributed vocabulary (so a two-word query is as selective as it is on real chat), some
 * attachments referenced, reactions to earlier messages, and sentAt spread over three years.
 * Deterministic for a seed, so two runs index the same records.
 */
import { createHmac } from 'node:crypto';
import { signWhatsAppBody } from '@custody/connectors';
import { whatsappDelivery } from '../whatsapp-delivery';

export interface Delivery {
  instance: string;
  headers: Record<string, string>;
  body: string;
  /** Vendor events the request carries; each becomes one record. */
  events: number;
}

export interface ScaleConnector {
  id: string;
  connector: string;
  tenant: string;
  config: Record<string, string>;
}

export const TENANTS = [
  { id: 'acme', share: 0.5 },
  { id: 'globex', share: 0.3 },
  { id: 'initech', share: 0.2 },
] as const;

const WA_SECRET = 'scale-whatsapp-app-secret';
const LINE_SECRET = 'scale-line-channel-secret';
const TG_SECRET = 'scale-telegram-secret-token';
const TG_BOT = '7000000001';

export function scaleConnectors(): ScaleConnector[] {
  return TENANTS.flatMap(({ id }): ScaleConnector[] => [
    { id: `${id}-wa`, connector: 'whatsapp-cloud', tenant: id, config: { appSecret: WA_SECRET, verifyToken: 'scale-verify' } },
    { id: `${id}-line`, connector: 'line', tenant: id, config: { channelSecret: LINE_SECRET, channelAccessToken: 'scale-line-access-token' } },
    { id: `${id}-tg`, connector: 'telegram-bot', tenant: id, config: { secretToken: TG_SECRET, botId: TG_BOT } },
  ]);
}

/** mulberry32: small, fast, good enough to shape synthetic traffic. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 'ten', 'vo', 'su', 'ne', 'dar', 'pi', 'gro', 'hu', 'bel', 'fa', 'zen', 'tor', 'qui', 'mas', 'ol', 'wek'];
const COMMON = ['the', 'order', 'please', 'confirm', 'shares', 'price', 'client', 'trade', 'today', 'call', 'bond', 'yield', 'deal', 'fund'];
export const VOCABULARY_SIZE = 5000;

/** Word rank r (0 = most frequent): the first are real trading words, the rest pronounceable pseudo-words. */
export function word(rank: number): string {
  if (rank < COMMON.length) return COMMON[rank];
  let n = rank;
  let w = '';
  do {
    w += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  } while (n > 0);
  return w;
}

/** Zipf(s = 1) over the vocabulary by inverse CDF on precomputed cumulative weights. */
export function zipf(rand: () => number): () => number {
  const cumulative = new Float64Array(VOCABULARY_SIZE);
  let sum = 0;
  for (let r = 0; r < VOCABULARY_SIZE; r++) cumulative[r] = sum += 1 / (r + 1);
  return () => {
    const x = rand() * sum;
    let lo = 0;
    let hi = VOCABULARY_SIZE - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const THREE_YEARS_S = 3 * 365 * 86_400;

/**
 * Produces the deliveries for records [from, to) of a corpus that will hold `total` records: record
 * i is sent at a time proportional to i over the three years before `endS`, so the archive grows in
 * time order as a real one does.
 */
export class Corpus {
  private readonly rand: () => number;
  private readonly rank: () => number;
  private readonly recent = new Map<string, string[]>();

  constructor(
    readonly total: number,
    private readonly endS: number,
    seed = 1,
  ) {
    this.rand = random(seed);
    this.rank = zipf(this.rand);
  }

  /** A generator of its own for the probes, so probing never changes the traffic that follows. */
  probeRandom(): () => number {
    return random(this.total);
  }

  /** The seconds the first `records` records span (record 0 is sent at `from`): the archive grows in time order. */
  timeSpanS(records: number): { from: number; to: number } {
    return { from: this.endS - THREE_YEARS_S, to: this.sentAtS(Math.max(0, records - 1)) + 1 };
  }

  /** Conversations per tenant: about 300 records each, at least 20. */
  private conversations(tenantShare: number): number {
    return Math.max(20, Math.round((this.total * tenantShare) / 300));
  }

  private text(): string {
    const n = 4 + Math.floor(this.rand() * 14);
    return Array.from({ length: n }, () => word(this.rank())).join(' ');
  }

  private sentAtS(i: number): number {
    return Math.floor(this.endS - THREE_YEARS_S + (i / this.total) * THREE_YEARS_S);
  }

  private tenant(): (typeof TENANTS)[number] {
    const x = this.rand();
    let acc = 0;
    for (const t of TENANTS) if (x < (acc += t.share)) return t;
    return TENANTS[TENANTS.length - 1];
  }

  /** Deliveries for records [from, to): 60% WhatsApp in batches, 25% LINE in batches, 15% Telegram one by one. */
  *deliveries(from: number, to: number): Generator<Delivery> {
    let i = from;
    while (i < to) {
      const x = this.rand();
      const tenant = this.tenant();
      const conversation = Math.floor(this.rand() * this.conversations(tenant.share));
      if (x < 0.6) {
        const n = Math.min(to - i, 50);
        yield this.whatsapp(tenant.id, conversation, i, n);
        i += n;
      } else if (x < 0.85) {
        const n = Math.min(to - i, 20);
        yield this.line(tenant.id, conversation, i, n);
        i += n;
      } else {
        yield this.telegram(tenant.id, conversation, i);
        i += 1;
      }
    }
  }

  private remember(key: string, id: string): void {
    const ids = this.recent.get(key) ?? [];
    ids.push(id);
    if (ids.length > 16) ids.shift();
    this.recent.set(key, ids);
  }

  private whatsapp(tenant: string, conversation: number, first: number, n: number): Delivery {
    const customer = `1650${String(1_000_000 + conversation).padStart(7, '0')}`;
    const key = `wa:${tenant}:${conversation}`;
    const messages = Array.from({ length: n }, (_, k) => {
      const i = first + k;
      const id = `wamid.scale.${tenant}.${i}`;
      const base = { from: customer, id, timestamp: String(this.sentAtS(i)) };
      const earlier = this.recent.get(key);
      const x = this.rand();
      this.remember(key, id);
      if (x < 0.04 && earlier?.length) return { ...base, type: 'reaction', reaction: { message_id: earlier[earlier.length - 1], emoji: '👍' } };
      if (x < 0.1)
        return {
          ...base,
          type: 'image',
          image: { id: `media${i}`, mime_type: 'image/jpeg', sha256: Buffer.from(`img${i}`).toString('base64'), caption: this.text() },
        };
      if (x < 0.12)
        return { ...base, type: 'document', document: { id: `media${i}`, mime_type: 'application/pdf', filename: `statement-${i}.pdf`, caption: this.text() } };
      return { ...base, type: 'text', text: { body: this.text() } };
    });
    const body = whatsappDelivery({
      customer,
      name: `Client ${conversation}`,
      messages,
      phoneNumberId: `10654035224${TENANTS.findIndex((t) => t.id === tenant)}`,
    });
    return { instance: `${tenant}-wa`, headers: { 'x-hub-signature-256': signWhatsAppBody(WA_SECRET, body) }, body, events: n };
  }

  private line(tenant: string, conversation: number, first: number, n: number): Delivery {
    const group = `C${conversation.toString(16).padStart(32, '0')}`;
    const events = Array.from({ length: n }, (_, k) => {
      const i = first + k;
      const image = this.rand() < 0.06;
      return {
        type: 'message',
        replyToken: `r${i}`,
        message: image
          ? { type: 'image', id: `${4_000_000_000 + i}`, contentProvider: { type: 'line' } }
          : { type: 'text', id: `${4_000_000_000 + i}`, text: this.text() },
        webhookEventId: `01SCALE${tenant.toUpperCase()}${String(i).padStart(12, '0')}`,
        deliveryContext: { isRedelivery: false },
        timestamp: this.sentAtS(i) * 1000,
        source: { type: 'group', groupId: group, userId: `U${(conversation * 7 + (i % 5)).toString(16).padStart(32, '0')}` },
        mode: 'active',
      };
    });
    const body = JSON.stringify({ destination: `U${'0'.repeat(31)}1`, events });
    const signature = createHmac('sha256', LINE_SECRET).update(body).digest('base64');
    return { instance: `${tenant}-line`, headers: { 'x-line-signature': signature }, body, events: n };
  }

  private telegram(tenant: string, conversation: number, i: number): Delivery {
    const from = { id: 5_000_000_000 + conversation, is_bot: false, first_name: `Client ${conversation}` };
    const message: Record<string, unknown> = {
      message_id: i + 1,
      from,
      chat: { id: from.id, type: 'private', first_name: from.first_name },
      date: this.sentAtS(i),
    };
    if (this.rand() < 0.08)
      Object.assign(message, {
        photo: [{ file_id: `photo${i}`, file_unique_id: `u${i}`, file_size: 90_000, width: 1280, height: 853 }],
        caption: this.text(),
      });
    else message.text = this.text();
    const body = JSON.stringify({ update_id: 100_000_000 + i, message });
    return { instance: `${tenant}-tg`, headers: { 'x-telegram-bot-api-secret-token': TG_SECRET }, body, events: 1 };
  }
}
