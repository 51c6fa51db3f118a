import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { BillingSettingsService } from './billing-settings.service';
import { BillingSettingsDto, UpdateBillingSettingsDto } from './invoicing.dto';

@ApiTags('billing')
@Controller('tenants/:id/billing-settings')
export class BillingSettingsController {
  constructor(private readonly settings: BillingSettingsService) {}

  /** The settings that apply at the tenant and where they come from (its own row, an ancestor's, the defaults). */
  @Access('BILLING', 'read')
  @Get()
  @ApiOkResponse({ type: BillingSettingsDto })
  get(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.settings.get(access, id);
  }

  /** Writes the tenant's own row (every field). */
  @Access('BILLING', 'update')
  @Put()
  @ApiOkResponse({ type: BillingSettingsDto })
  update(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: UpdateBillingSettingsDto) {
    return this.settings.update(access, id, body);
  }
}
