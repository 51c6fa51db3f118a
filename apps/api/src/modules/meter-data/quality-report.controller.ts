import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { QualityReportDto, QualityReportQueryDto } from './quality-report.dto';
import { QualityReportService } from './quality-report.service';

/** The console's data-quality view (issue 17). */
@ApiTags('meter data')
@Controller('meter-data')
export class QualityReportController {
  constructor(private readonly reports: QualityReportService) {}

  @Access('LIVE_READINGS', 'read')
  @Get('quality')
  @ApiOkResponse({
    type: QualityReportDto,
    description: 'readings per quality and local day, the meters with most non-VALID readings, and the rules that fired',
  })
  quality(@Auth() access: AccessContext, @Query() query: QualityReportQueryDto) {
    return this.reports.report(access, query);
  }
}
