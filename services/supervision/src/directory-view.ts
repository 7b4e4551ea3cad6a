import type { DirectoryTable } from '@custody/control';

/** What supervision reads of the directory: whom an employee reports to, and their groups. */
export interface DirectoryView {
  managerOf(tenant: string, employeeId: string): string | undefined;
  groupsOf(tenant: string, employeeId: string): readonly string[];
}

export function directoryView(directory: DirectoryTable): DirectoryView {
  return {
    managerOf: (tenant, employeeId) => directory.get(`${tenant}:${employeeId}`)?.manager,
    groupsOf: (tenant, employeeId) => directory.get(`${tenant}:${employeeId}`)?.groups ?? [],
  };
}
