import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import {
  CreateTariffDto,
  CreateTariffVersionDto,
  EffectiveTariffDto,
  EffectiveTariffQueryDto,
  ListTariffsQueryDto,
  PreviewDto,
  PreviewResultDto,
  TariffDto,
  TariffPageDto,
  UpdateTariffDto,
  UpdateTariffVersionDto,
} from './tariffs.dto';
import { TariffsService } from './tariffs.service';

@ApiTags('billing')
@Controller('tariffs')
export class TariffsController {
  constructor(private readonly tariffs: TariffsService) {}

  @Access('BILLING', 'read')
  @Get()
  @ApiOkResponse({ type: TariffPageDto })
  list(@Auth() access: AccessContext, @Query() query: ListTariffsQueryDto) {
    return this.tariffs.list(access, query);
  }

  @Access('BILLING', 'read')
  @Get('effective')
  @ApiOkResponse({ type: EffectiveTariffDto })
  effective(@Auth() access: AccessContext, @Query() query: EffectiveTariffQueryDto) {
    return this.tariffs.effective(access, query);
  }

  @Access('BILLING', 'read')
  @Get(':id')
  @ApiOkResponse({ type: TariffDto })
  detail(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.tariffs.detail(access, id);
  }

  @Access('BILLING', 'create')
  @Post()
  @ApiCreatedResponse({ type: TariffDto })
  create(@Auth() access: AccessContext, @Body() body: CreateTariffDto) {
    return this.tariffs.create(access, body);
  }

  @Access('BILLING', 'update')
  @Patch(':id')
  @ApiOkResponse({ type: TariffDto })
  update(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: UpdateTariffDto) {
    return this.tariffs.update(access, id, body);
  }

  @Access('BILLING', 'delete')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.tariffs.remove(access, id);
  }

  @Access('BILLING', 'create')
  @Post(':id/versions')
  @ApiCreatedResponse({ type: TariffDto })
  addVersion(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: CreateTariffVersionDto) {
    return this.tariffs.addVersion(access, id, body);
  }

  @Access('BILLING', 'update')
  @Patch(':id/versions/:versionId')
  @ApiOkResponse({ type: TariffDto })
  updateVersion(
    @Auth() access: AccessContext,
    @Param('id', UuidPipe) id: string,
    @Param('versionId', UuidPipe) versionId: string,
    @Body() body: UpdateTariffVersionDto,
  ) {
    return this.tariffs.updateVersion(access, id, versionId, body);
  }

  @Access('BILLING', 'delete')
  @Delete(':id/versions/:versionId')
  @HttpCode(204)
  async removeVersion(
    @Auth() access: AccessContext,
    @Param('id', UuidPipe) id: string,
    @Param('versionId', UuidPipe) versionId: string,
  ): Promise<void> {
    await this.tariffs.removeVersion(access, id, versionId);
  }

  /** What a consumption over a period costs under this tariff: a preview, nothing is stored. */
  @Access('BILLING', 'read')
  @Post(':id/preview')
  @HttpCode(200)
  @ApiOkResponse({ type: PreviewResultDto })
  preview(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: PreviewDto) {
    return this.tariffs.preview(access, id, body);
  }
}
