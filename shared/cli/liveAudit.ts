import { randomUUID } from 'node:crypto';
import { AwsClients } from '../aws/clients.ts';
import { scanningAuditStore } from '../aws/dynamoAuditScan.ts';
import { AwsPolicyStore } from '../aws/policyStore.ts';
import { systemClock } from '../local/systemClock.ts';
import type { AuditStore } from '../remediation/ports.ts';
import type { RollbackDeps } from '../remediation/rollback.ts';

/**
 * The deployed audit trail: the DynamoDB audit table of the central stack (its AuditTableName output), read with
 * the standard credential chain. `audit list` scans it (it needs dynamodb:Scan, which the function itself never has).
 */
export async function dynamoAuditStore(table: string): Promise<AuditStore> {
  const clients = new AwsClients({ memberRoleName: process.env.ACCESS_REMEDIATOR_MEMBER_ROLE || undefined });
  return scanningAuditStore(await clients.dynamoDbDocument(), table);
}

/** Rolling back a live change: the audit table, and the member roles to write the before-images back. */
export async function liveRollbackDeps(table: string): Promise<RollbackDeps> {
  const clients = new AwsClients({
    memberRoleName: process.env.ACCESS_REMEDIATOR_MEMBER_ROLE || undefined,
    memberRoleInOwnAccount: process.env.ACCESS_REMEDIATOR_MEMBER_ROLE_IN_OWN_ACCOUNT === 'true',
  });
  return {
    audit: scanningAuditStore(await clients.dynamoDbDocument(), table),
    policies: new AwsPolicyStore(clients),
    clock: systemClock,
    newId: randomUUID,
  };
}
