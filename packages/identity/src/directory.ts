import { TenantId } from '@custody/envelope';
import { z } from 'zod';

const isoInstant = z.iso.datetime({ offset: true });

export const EmployeeIdentifier = z
  .object({
    kind: z.enum(['phone', 'email', 'handle']).describe('What `value` is'),
    value: z.string().min(1).max(512).describe('E.164 phone, email address, or platform handle / platform id'),
    from: isoInstant.optional().describe('First instant the identifier belonged to the employee (inclusive); open when absent'),
    to: isoInstant.optional().describe('Instant it stopped belonging to them (exclusive); open when absent'),
  })
  .strict();

/** No `:` or `/`: a directory key `<tenant>:<employeeId>` names exactly one tenant's employee. */
export const EmployeeId = z
  .string()
  .regex(/^[\w.@-]{1,256}$/, 'an employee id: 1–256 letters, digits, _ . @ -')
  .describe("The firm's id for the employee");

export const Employee = z
  .object({
    tenant: TenantId,
    employeeId: EmployeeId,
    name: z.string().min(1).max(512).optional(),
    identifiers: z.array(EmployeeIdentifier).max(200),
    manager: EmployeeId.optional().describe('The employee they report to: supervision refuses a review of anyone up a reviewer’s chain'),
    groups: z
      .array(z.string().regex(/^[\w.@ -]{1,128}$/))
      .max(100)
      .optional()
      .describe('Groups (desks, branches) a supervision policy or sampling plan may scope'),
  })
  .strict();

export type Employee = z.infer<typeof Employee>;
export type EmployeeIdentifier = z.infer<typeof EmployeeIdentifier>;

/**
 * Directory changes whose earlier records still await resolution, by tenant: kept in the control
 * plane until the pass is done, so a pass a restart interrupted is resumed.
 */
export const PendingResolution = z
  .object({
    tenant: z.string().min(1),
    employeeIds: z.array(z.string()).describe('Employees whose entry changed'),
    identifiers: z.array(z.string()).describe('Their old and new identifiers, loosely normalized'),
  })
  .strict();

export type PendingResolution = z.infer<typeof PendingResolution>;
