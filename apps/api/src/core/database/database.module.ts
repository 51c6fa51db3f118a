import { DynamicModule, Global, Module } from '@nestjs/common';
import { DATABASE_RLS, DatabaseService } from './database.service';
import { UnitOfWork } from './unit-of-work';

/**
 * The process's database clients. `rowLevelSecurity`: the API's connections run as the restricted role
 * with each request's tenant scope; the worker's (which stores every tenant's uplinks) run as the owner.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: { rowLevelSecurity: boolean }): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: DATABASE_RLS, useValue: options.rowLevelSecurity }, DatabaseService, UnitOfWork],
      exports: [DatabaseService, UnitOfWork],
    };
  }
}
