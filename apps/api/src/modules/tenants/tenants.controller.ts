import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { uploadedFile } from '../../core/http/upload';
import { MAX_LOGO_BYTES } from './tenant-logo';
import { CreateTenantDto, TenantDetailDto, TenantLogoDto, TenantTreeDto, UpdateTenantDto } from './tenants.dto';
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

  /** The logo on the tenant's invoices: one PNG or JPEG file (multipart), at most 256 KiB. */
  @Access('TENANTS', 'update')
  @Put(':id/logo')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiOkResponse({ type: TenantLogoDto })
  async setLogo(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Req() req: FastifyRequest) {
    return this.tenants.setLogo(access, id, await uploadedFile(req, MAX_LOGO_BYTES));
  }

  @Access('TENANTS', 'read')
  @Get(':id/logo')
  @ApiProduces('image/png', 'image/jpeg')
  @ApiOkResponse({ description: 'the logo image' })
  async logo(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Res() reply: FastifyReply) {
    const logo = await this.tenants.logo(access, id);
    return reply.header('content-type', logo.contentType).header('content-disposition', 'inline').send(logo.image);
  }

  @Access('TENANTS', 'update')
  @Delete(':id/logo')
  @HttpCode(204)
  async removeLogo(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.tenants.removeLogo(access, id);
  }
}
