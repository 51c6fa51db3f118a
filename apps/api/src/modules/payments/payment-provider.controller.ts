import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { PaymentProviderDto, ProviderEventPageDto, ProviderEventsQueryDto, SetPaymentProviderDto } from './payment-provider.dto';
import { PaymentProviderService } from './payment-provider.service';

/** A tenant's payment provider: the webhook signing secret (write-only) and whether it is on. */
@ApiTags('billing')
@Controller('tenants')
export class PaymentProviderController {
  constructor(private readonly provider: PaymentProviderService) {}

  @Access('BILLING', 'read')
  @Get(':id/payment-provider')
  @ApiOkResponse({ type: PaymentProviderDto })
  get(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.provider.settings(access, id);
  }

  @Access('BILLING', 'update')
  @Put(':id/payment-provider')
  @ApiOkResponse({ type: PaymentProviderDto })
  set(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: SetPaymentProviderDto) {
    return this.provider.setSettings(access, id, body);
  }

  /** Verified provider events, newest first; `outcome=UNMATCHED` lists money waiting to be booked by hand. */
  @Access('BILLING', 'read')
  @Get(':id/payment-provider/events')
  @ApiOkResponse({ type: ProviderEventPageDto })
  events(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Query() query: ProviderEventsQueryDto) {
    return this.provider.events(access, id, query);
  }
}
