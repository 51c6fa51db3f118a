import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { CreateTenantDto, TenantDetailDto, TenantTreeDto, UpdateTenantDto } from './tenants.dto';
import { TenantsService } from './tenants.service';

@ApiTags('tenants')
@Controller('tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Access('TENANTS', 'read')
  @Get()
  @ApiOkResponse({ type: TenantTreeDto, description: 'the subtrees the caller may see, as a tree' })
  tree(@Auth() access: AccessContext) {
    return this.tenants.tree(access);
  }

  @Access('TENANTS', 'read')
  @Get(':id')
  @ApiOkResponse({ type: TenantDetailDto })
  detail(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.tenants.detail(access, id);
  }

  @Access('TENANTS', 'create')
  @Post()
  @ApiCreatedResponse({ type: TenantDetailDto })
  create(@Auth() access: AccessContext, @Body() body: CreateTenantDto) {
    return this.tenants.create(access, body);
  }

  @Access('TENANTS', 'update')
  @Patch(':id')
  @ApiOkResponse({ type: TenantDetailDto })
  update(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: UpdateTenantDto) {
    return this.tenants.update(access, id, body);
  }

  @Access('TENANTS', 'delete')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.tenants.remove(access, id);
  }
}
