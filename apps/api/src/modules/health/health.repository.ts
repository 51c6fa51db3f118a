import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../../core/database/database.service';

/** Whether PostgreSQL answers, for the readiness check. */
@Injectable()
export class HealthRepository {
  constructor(private readonly database: DatabaseService) {}

  ping(): Promise<void> {
    return this.database.ping();
  }
}
