import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { scopeOf, withTenantScope } from '../database/tenant-scope';
import type { CustomerPrincipal } from '../auth/portal-session';
import type { AccessContext } from './access-context';

/**
 * Runs each authenticated request's handler inside the caller's tenant scope, which the API's database
 * connections carry into row-level security. Public routes run unscoped (no rows of tenant tables)
 * unless their service opens a scope of its own (ingest: `asSystem`).
 */
@Injectable()
export class TenantScopeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<{ access?: AccessContext; customer?: CustomerPrincipal }>();
    // A customer's requests run in their tenant's scope; the portal's services bound each query by the customer too.
    const scope = req.access ? scopeOf(req.access) : req.customer?.tenantPath;
    if (scope === undefined) return next.handle();
    return new Observable((subscriber) => withTenantScope(scope, () => next.handle().subscribe(subscriber)));
  }
}
