import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { scopeOf, withTenantScope } from '../database/tenant-scope';
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
    const access = context.switchToHttp().getRequest<{ access?: AccessContext }>().access;
    if (!access) return next.handle();
    const scope = scopeOf(access);
    return new Observable((subscriber) => withTenantScope(scope, () => next.handle().subscribe(subscriber)));
  }
}
