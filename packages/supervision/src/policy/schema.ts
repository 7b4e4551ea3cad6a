import { z } from 'zod';
import { Channel } from '@custody/envelope';
import { ExpressionError } from './expression/error';
import { parseExpression } from './expression/parser';

export const POLICY_FORMAT = 'custody.policy/v1';

/** Where a rule looks, in the order hits are reported: a message is read subject first. */
export const ZONES = ['subject', 'body', 'attachmentNames', 'transcript'] as const;
export type Zone = (typeof ZONES)[number];

export const SEVERITIES = ['low', 'medium', 'high'] as const;
export const SCOPE_DIRECTIONS = ['inbound', 'outbound', 'internal'] as const;

export const POLICY_LIMITS = { rules: 500, excludesPerRule: 20, scopeEntries: 10_000 } as const;

const Slug = z
  .string()
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a slug: lower-case letters and digits joined by single dashes')
  .describe('Lower-case letters and digits joined by single dashes');

/** A match expression, compiled here so a policy that validates is a policy that runs. */
const ExpressionText = z
  .string()
  .superRefine((text, ctx) => {
    try {
      parseExpression(text);
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message });
    }
  })
  .describe('A match expression: terms, wildcards, "phrases", AND, OR, NOT, NEAR/n, ONEAR/n, PRE/n and parentheses (see the policy language guide)');

/**
 * A list that means a set: duplicates dropped and entries sorted (code unit order, or `order` when
 * given), so the same set written in another order is the same policy and the same content address.
 */
function setOf<T extends string>(item: z.ZodType<T>, order?: readonly T[]) {
  const rank = (v: T) => (order ? order.indexOf(v) : 0);
  return z
    .array(item)
    .max(POLICY_LIMITS.scopeEntries)
    .transform((list) => [...new Set(list)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0)));
}

const Domain = z
  .string()
  .max(253)
  .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'a lower-case domain name such as example.com');
const PhoneNumber = z.string().regex(/^\+[1-9]\d{1,14}$/, 'an E.164 number with a leading +');
const Name = z.string().min(1).max(256);

/** Who and what a policy screens. Every dimension left empty places no restriction; the dimensions that are set must all hold. */
export const PolicyScope = z
  .object({
    employees: setOf(Name)
      .default([])
      .describe('Employee ids screened; with `groups`, an employee in either list puts the message in scope. Empty with `groups` empty: every employee'),
    groups: setOf(Name).default([]).describe('Employee groups screened (see `employees`)'),
    channels: setOf(Channel).default([]).describe('Channels screened; empty: every channel'),
    directions: setOf(z.enum(SCOPE_DIRECTIONS), SCOPE_DIRECTIONS)
      .default([])
      .describe('Directions screened; empty: every direction. A message whose direction is unknown is always screened'),
    externalDomains: setOf(Domain)
      .default([])
      .describe(
        'Counterparty email domains screened, subdomains included; with `externalNumbers`, either one puts the message in scope. Empty with `externalNumbers` empty: every counterparty',
      ),
    externalNumbers: setOf(PhoneNumber).default([]).describe('Counterparty phone numbers screened, E.164 (see `externalDomains`)'),
  })
  .strict()
  .describe('Which messages the policy screens; an empty scope screens every message');
export type PolicyScope = z.output<typeof PolicyScope>;

export const PolicyRule = z
  .object({
    id: Slug.describe('Stable id of the rule within the policy: hits and dispositions name it'),
    description: z.string().min(1).max(2000).describe('What the rule looks for and why, in words a reviewer reads next to a hit'),
    match: ExpressionText.describe('The match expression: where it matches, the rule hits'),
    exclude: z
      .array(ExpressionText)
      .max(POLICY_LIMITS.excludesPerRule)
      .default([])
      .describe(
        'MUST NOT expressions: the tokens an occurrence of any of them is made of are invisible to `match` ("not guaranteed" hides its "guaranteed"; another "guaranteed" in the same text still hits)',
      ),
    zones: setOf(z.enum(ZONES), ZONES)
      .refine((zones) => zones.length > 0, 'at least one zone')
      .default(['subject', 'body'])
      .describe('Parts of a record the rule reads: subject, body, attachmentNames, transcript (of a call, when there is one)'),
    includeTagged: z
      .boolean()
      .default(false)
      .describe('Also match inside quoted text, signatures and disclaimers, which the normalizer tags and the matcher skips by default'),
  })
  .strict()
  .describe('One pattern of the policy');
export type PolicyRule = z.output<typeof PolicyRule>;

export const Policy = z
  .object({
    format: z.literal(POLICY_FORMAT).describe(`The policy language version: "${POLICY_FORMAT}"`),
    id: Slug.describe('Stable id of the policy across its versions (each version is addressed by its content)'),
    name: z.string().min(1).max(200).describe('Title shown to reviewers'),
    description: z.string().max(4000).default('').describe('What the policy supervises and why'),
    severity: z.enum(SEVERITIES).describe("How urgent a hit is: orders the reviewer's queue"),
    references: z.array(z.string().min(1).max(200)).max(20).default([]).describe('Rules and guidance the policy implements, e.g. "FINRA Rule 2210(d)(1)(B)"'),
    reviewerGuidance: z.string().max(4000).default('').describe('What a reviewer checks before escalating or closing a hit'),
    scope: PolicyScope.default({ employees: [], groups: [], channels: [], directions: [], externalDomains: [], externalNumbers: [] }).describe(
      'Which messages the policy screens; absent or empty: every message',
    ),
    rules: z.array(PolicyRule).min(1).max(POLICY_LIMITS.rules).describe('The patterns; hits are reported in this order'),
  })
  .strict()
  .superRefine((policy, ctx) => {
    const seen = new Map<string, number>();
    policy.rules.forEach((rule, i) => {
      const first = seen.get(rule.id);
      if (first === undefined) seen.set(rule.id, i);
      else ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id "${rule.id}" (also rules[${first}])` });
    });
  })
  .describe('A supervision policy: lexicon rules and the messages they screen');
export type Policy = z.output<typeof Policy>;
/** A policy as written, before defaults: what parsePolicy reads. */
export type PolicyInput = z.input<typeof Policy>;
