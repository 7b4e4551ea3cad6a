import { normalizeIdentifier } from '@custody/connector-kit';
import { RejectedInputError } from '@custody/errors';
import type { EmployeeIdentifier } from '@custody/identity';

/**
 * An identifier as the directory keeps it, however it was entered (PUT /v1/admin/directory/:id or a
 * CSV import): phones in E.164, emails in lower case, handles as given. An effective range that ends
 * before it starts is the caller's error.
 */
export function normalizeEmployeeIdentifier(i: EmployeeIdentifier): EmployeeIdentifier {
  if (i.from && i.to && Date.parse(i.from) >= Date.parse(i.to))
    throw new RejectedInputError('invalid_request', `identifier ${i.value}: from must be before to`);
  return { ...i, value: i.kind === 'phone' ? normalizeIdentifier(i.value) : i.kind === 'email' ? i.value.toLowerCase() : i.value };
}
