import { Controller, Headers, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { WebhookAnswerDto } from './payment-provider.dto';
import { PaymentProviderService } from './payment-provider.service';
import { RAW_BODY, type WithRawBody } from './raw-body';

/**
 * The payment provider's webhook (issue 18). Public: authenticated only by the Stripe-Signature over
 * the raw body with the tenant's signing secret. Any refusal (bad, old or missing signature, unknown
 * or unconfigured tenant) is the same 400, and nothing is stored.
 */
@ApiTags('billing')
@Controller('payment-webhooks')
export class PaymentWebhooksController {
  constructor(private readonly provider: PaymentProviderService) {}

  @Public()
  @Post('stripe/:tenantId')
  @HttpCode(200)
  @ApiHeader({ name: 'Stripe-Signature', required: true, description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "t.<raw body>">' })
  @ApiOkResponse({
    type: WebhookAnswerDto,
    description: 'verified; booked, ignored or unmatched (a replayed event: duplicate, nothing new)',
  })
  @ApiBadRequestResponse({ description: 'signature verification failed (or not a Stripe event)' })
  stripe(@Param('tenantId', UuidPipe) tenantId: string, @Req() req: WithRawBody, @Headers('stripe-signature') signature?: string) {
    return this.provider.handleStripe(tenantId, req[RAW_BODY], signature);
  }
}
