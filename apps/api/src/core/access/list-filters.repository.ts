import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import type { AccessContext } from './access-context';
import { requireVisibleFilters, type FilterRefs } from './list-filters';

/** Services check a list's filter ids through this, so they need no database client. */
@Injectable()
export class ListFiltersRepository {
  constructor(private readonly database: DatabaseService) {}

  /** `requireVisibleFilters` on the API's connections: a filter id the caller could not open answers 404. */
  requireVisible(access: AccessContext, scope: readonly string[], refs: FilterRefs): Promise<void> {
    return requireVisibleFilters(this.database.db, access, scope, refs);
  }
}
