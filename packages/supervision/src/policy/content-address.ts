import { canonicalJson, sha256Hex } from '@custody/envelope';
import { RejectedInputError } from '@custody/errors';
import { Policy } from './schema';

/** The id of one policy version: the SHA-256 of its canonical JSON. */
export type PolicyVersion = `sha256:${string}`;

/**
 * The bytes a policy version is addressed (and best archived) by: defaults applied, set-valued lists
 * deduplicated and sorted, object keys sorted, no insignificant whitespace. The same policy written
 * in YAML or JSON, keys in any order, gives the same bytes.
 */
export function canonicalPolicyJson(policy: Policy): string {
  return canonicalJson(canonicalPolicy(policy));
}

/** Parsing again applies defaults and set ordering to a policy built in code rather than read by parsePolicy. */
export function canonicalPolicy(policy: Policy): Policy {
  const result = Policy.safeParse(policy);
  if (!result.success) throw new RejectedInputError('policy_invalid', `not a valid policy: ${result.error.issues[0].message}`);
  return result.data;
}

export function contentAddress(policy: Policy): PolicyVersion {
  return `sha256:${sha256Hex(canonicalPolicyJson(policy))}`;
}
