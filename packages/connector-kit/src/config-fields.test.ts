import { z } from 'zod';
import { configFieldsOf, secret } from './secret';

describe('configFieldsOf', () => {
  const schema = z
    .object({
      token: secret(z.string().min(8)).describe('Signs the webhooks'),
      spare: secret(z.string().min(8)).default('never-shown').describe('A secret with a default'),
      version: z
        .string()
        .regex(/^v\d+$/)
        .default('v21')
        .describe('API version'),
      region: z.enum(['eu', 'us']).optional().describe('Where the vendor keeps the data'),
      mode: z.literal('live'),
      retries: z.int().min(0).default(3),
      verbose: z.boolean().optional(),
      hosts: z.array(z.string()).optional(),
      labels: z.record(z.string(), z.string()).optional(),
      piped: z
        .string()
        .transform((v) => v.trim())
        .optional(),
    })
    .strict()
    .refine((c) => c.token !== c.version, { message: 'never the same' });

  test('each setting with its type, whether it is required or secret, its description, options and default', () => {
    expect(configFieldsOf(schema)).toEqual([
      { name: 'token', required: true, secret: true, description: 'Signs the webhooks', type: 'string' },
      { name: 'spare', required: false, secret: true, description: 'A secret with a default', type: 'string' },
      { name: 'version', required: false, secret: false, description: 'API version', type: 'string', default: 'v21' },
      { name: 'region', required: false, secret: false, description: 'Where the vendor keeps the data', type: 'enum', options: ['eu', 'us'] },
      { name: 'mode', required: true, secret: false, type: 'enum', options: ['live'] },
      { name: 'retries', required: false, secret: false, type: 'number', default: 3 },
      { name: 'verbose', required: false, secret: false, type: 'boolean' },
      { name: 'hosts', required: false, secret: false, type: 'array' },
      { name: 'labels', required: false, secret: false, type: 'object' },
      { name: 'piped', required: false, secret: false, type: 'string' },
    ]);
  });

  test('a secret’s default is never told', () => {
    expect(JSON.stringify(configFieldsOf(schema))).not.toContain('never-shown');
  });

  test('a schema that is not an object has no fields', () => {
    expect(configFieldsOf(z.string())).toBeUndefined();
  });
});
