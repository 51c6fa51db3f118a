import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import {
  CreateIntegrationDto,
  IntegrationDto,
  IntegrationListDto,
  IntegrationWithSecretDto,
  ListIntegrationsQueryDto,
  UpdateIntegrationDto,
} from './integrations.dto';
import { IntegrationsService } from './integrations.service';

/** Network-server integrations belong to device connectivity: the DEVICES module's rights apply. */
@ApiTags('integrations')
@Controller('integrations')
export class IntegrationsController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Access('DEVICES', 'read')
  @Get()
  @ApiOkResponse({ type: IntegrationListDto })
  list(@Auth() access: AccessContext, @Query() query: ListIntegrationsQueryDto) {
    return this.integrations.list(access, query.tenantId);
  }

  @Access('DEVICES', 'update')
  @Post()
  @ApiCreatedResponse({ type: IntegrationWithSecretDto, description: 'the secret is shown only in this answer' })
  create(@Auth() access: AccessContext, @Body() body: CreateIntegrationDto) {
    return this.integrations.create(access, body);
  }

  @Access('DEVICES', 'update')
  @Patch(':id')
  @ApiOkResponse({ type: IntegrationDto })
  update(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: UpdateIntegrationDto) {
    return this.integrations.update(access, id, body);
  }

  @Access('DEVICES', 'update')
  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOkResponse({ type: IntegrationWithSecretDto })
  rotate(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.integrations.rotateSecret(access, id);
  }

  @Access('DEVICES', 'update')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.integrations.remove(access, id);
  }
}
