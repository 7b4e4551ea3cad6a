/**
 * The starter packs: policies shipped with the package as YAML in packages/supervision/packs/, one
 * file per pack, so a compliance reviewer reads and diffs the lexicon itself rather than code. The
 * directory sits outside src/ (it is not compiled) and is found relative to this file, which is
 * one level below the package root both as src/packs.ts (tests) and as dist/packs.js (runtime).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RejectedInputError } from '@custody/errors';
import { parsePolicy, type Policy } from './policy';

/** The shipped packs, in the order a console lists them. */
export const STARTER_PACK_IDS = ['guarantees', 'complaints', 'off-channel', 'evidence-destruction', 'gifts-entertainment', 'mnpi'] as const;
export type StarterPackId = (typeof STARTER_PACK_IDS)[number];

export interface StarterPack {
  id: StarterPackId;
  /** The validated policy, ready for matchPolicy and contentAddress. */
  policy: Policy;
  /** The YAML text as shipped: what is archived to WORM as the version's source. */
  source: string;
}

export const STARTER_PACKS_DIR = join(__dirname, '..', 'packs');

/** Reads and validates every shipped pack; throws if a file is missing or does not validate, or names another id. */
export function starterPacks(): StarterPack[] {
  return STARTER_PACK_IDS.map(starterPack);
}

export function starterPack(id: StarterPackId): StarterPack {
  if (!STARTER_PACK_IDS.includes(id))
    throw new RejectedInputError('starter_pack_unknown', `no starter pack "${String(id)}"; the packs are ${STARTER_PACK_IDS.join(', ')}`);
  const source = readFileSync(join(STARTER_PACKS_DIR, `${id}.yaml`), 'utf8');
  const policy = parsePolicy(source, 'yaml');
  // the file name is the id a firm enables; a file whose policy says otherwise would enable something else
  if (policy.id !== id) throw new RejectedInputError('starter_pack_mismatch', `packs/${id}.yaml holds policy "${policy.id}"`);
  return { id, policy, source };
}
