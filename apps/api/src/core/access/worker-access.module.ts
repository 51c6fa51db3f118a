import { Global, Module } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { AccessRepository } from './access.repository';
import { AccessService } from './access.service';
import { ListFiltersRepository } from './list-filters.repository';

/**
 * The worker's side of access: what the domain services need (the audit log, list filters) and the
 * access service, so a job can act with the rights its requester holds when it runs (imports call the
 * same services as the console, with the same checks and audit entries). The API has AuthCoreModule.
 */
@Global()
@Module({
  providers: [AccessService, AccessRepository, AuditService, AuditRepository, ListFiltersRepository],
  exports: [AccessService, AuditService, ListFiltersRepository],
})
export class WorkerAccessModule {}
