import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import {
  ChangeMeterDto,
  CreateSubscriptionDto,
  ListSubscriptionsQueryDto,
  SubscriptionDetailDto,
  SubscriptionPageDto,
  UpdateSubscriptionDto,
} from './subscriptions.dto';
import { SubscriptionsService } from './subscriptions.service';

@ApiTags('subscriptions')
@Controller('subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Access('SUBSCRIPTIONS', 'read')
  @Get()
  @ApiOkResponse({ type: SubscriptionPageDto })
  list(@Auth() access: AccessContext, @Query() query: ListSubscriptionsQueryDto) {
    return this.subscriptions.list(access, query);
  }

  @Access('SUBSCRIPTIONS', 'read')
  @Get(':id')
  @ApiOkResponse({ type: SubscriptionDetailDto })
  detail(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.subscriptions.detail(access, id);
  }

  @Access('SUBSCRIPTIONS', 'create')
  @Post()
  @ApiCreatedResponse({ type: SubscriptionDetailDto })
  create(@Auth() access: AccessContext, @Body() body: CreateSubscriptionDto) {
    return this.subscriptions.create(access, body);
  }

  @Access('SUBSCRIPTIONS', 'update')
  @Patch(':id')
  @ApiOkResponse({ type: SubscriptionDetailDto })
  update(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: UpdateSubscriptionDto) {
    return this.subscriptions.update(access, id, body);
  }

  @Access('SUBSCRIPTIONS', 'delete')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.subscriptions.remove(access, id);
  }

  @Access('SUBSCRIPTIONS', 'update')
  @Put(':id/meter')
  @ApiOkResponse({ type: SubscriptionDetailDto, description: 'closes the current meter period and opens the next; history is kept' })
  changeMeter(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: ChangeMeterDto) {
    return this.subscriptions.changeMeter(access, id, body);
  }
}
