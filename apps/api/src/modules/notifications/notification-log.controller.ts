import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import {
  DeliveryLogPageDto,
  DeliveryLogQueryDto,
  TemplateCatalogueDto,
  TemplatePreviewDto,
  TemplatePreviewQueryDto,
} from './notification-log.dto';
import { NotificationLogService } from './notification-log.service';

/** The delivery log of the tenants the caller reads (TENANTS read, like their webhooks) and the template preview. */
@ApiTags('notifications')
@Controller()
export class NotificationLogController {
  constructor(private readonly log: NotificationLogService) {}

  @Access('TENANTS', 'read')
  @Get('notification-deliveries')
  @ApiOkResponse({ type: DeliveryLogPageDto, description: 'newest first; `nextCursor` pages on' })
  deliveries(@Auth() access: AccessContext, @Query() query: DeliveryLogQueryDto) {
    return this.log.list(access, query);
  }

  @Access('TENANTS', 'read')
  @Get('notification-templates')
  @ApiOkResponse({ type: TemplateCatalogueDto })
  templates() {
    return this.log.catalogue();
  }

  @Access('TENANTS', 'read')
  @Get('notification-templates/preview')
  @ApiOkResponse({ type: TemplatePreviewDto })
  preview(@Query() query: TemplatePreviewQueryDto) {
    return this.log.preview(query);
  }
}
