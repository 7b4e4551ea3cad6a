import { apiRequest } from './api';
import type {
  AdminHealth,
  ConnectorHealth,
  ConnectorSaved,
  ConnectorSummary,
  ConnectorType,
  DirectoryImport,
  Employee,
  EmployeeIdentifier,
  KeyCreated,
  KeyList,
  RetentionInput,
  RetentionSettings,
  RetentionView,
} from './admin-types';

/**
 * The admin pages' calls, beside api.ts: JSON through `apiRequest` (same origin, CSRF header on
 * state changes), the directory CSV sent as it is (`text/csv`).
 */

const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {});
const part = encodeURIComponent;

export const adminApi = {
  connectorTypes: (signal?: AbortSignal) => apiRequest<{ types: ConnectorType[] }>('GET', '/v1/admin/connector-types', withSignal(signal)),
  connectors: (signal?: AbortSignal) => apiRequest<{ connectors: ConnectorSummary[] }>('GET', '/v1/admin/connectors', withSignal(signal)),
  saveConnector: (name: string, connector: string, config: Record<string, unknown>) =>
    apiRequest<ConnectorSaved>('PUT', `/v1/admin/connectors/${part(name)}`, { body: { connector, config } }),
  connectorHealth: (name: string, signal?: AbortSignal) => apiRequest<ConnectorHealth>('GET', `/v1/admin/connectors/${part(name)}/health`, withSignal(signal)),
  health: (signal?: AbortSignal) => apiRequest<AdminHealth>('GET', '/v1/admin/health', withSignal(signal)),

  keys: (signal?: AbortSignal) => apiRequest<KeyList>('GET', '/v1/admin/api-keys', withSignal(signal)),
  createKey: (role: string, id?: string, employeeId?: string) =>
    apiRequest<KeyCreated>('POST', '/v1/admin/api-keys', { body: { role, ...(id && { id }), ...(employeeId && { employeeId }) } }),
  revokeKey: (id: string) => apiRequest<{ revoked: string; status?: string }>('DELETE', `/v1/admin/api-keys/${part(id)}`),

  retention: (signal?: AbortSignal) => apiRequest<RetentionView>('GET', '/v1/admin/retention', withSignal(signal)),
  saveRetention: (input: RetentionInput) => apiRequest<{ settings: RetentionSettings; note: string }>('PUT', '/v1/admin/retention', { body: input }),
  applyRetention: () => apiRequest<{ examined: number; extended: number }>('POST', '/v1/admin/retention/apply'),

  directory: (signal?: AbortSignal) => apiRequest<{ employees: Employee[] }>('GET', '/v1/admin/directory', withSignal(signal)),
  saveEmployee: (employeeId: string, body: { name?: string; identifiers: EmployeeIdentifier[] }) =>
    apiRequest<Employee>('PUT', `/v1/admin/directory/${part(employeeId)}`, { body }),
  removeEmployee: (employeeId: string) => apiRequest<{ removed: string }>('DELETE', `/v1/admin/directory/${part(employeeId)}`),
  importDirectory: (file: Blob) => apiRequest<DirectoryImport>('POST', '/v1/admin/directory/import', { file: { bytes: file, contentType: 'text/csv' } }),
};
