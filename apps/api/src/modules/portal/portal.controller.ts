import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Customer, PortalCustomer } from '../../core/auth/access.decorator';
import type { CustomerPrincipal } from '../../core/auth/portal-session';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { clientAddress } from '../auth/client-address';
import {
  AlarmsQueryDto,
  ConsumptionQueryDto,
  ExportQueryDto,
  PortalAlarmDto,
  PortalBalanceDto,
  PortalConsentDto,
  PortalConsumptionDto,
  PortalInvoiceDetailDto,
  PortalInvoiceDto,
  PortalProfileDto,
  PortalSubscriptionDto,
  RecordConsentDto,
  RecordedConsentDto,
  UpdateProfileDto,
} from './portal.dto';
import { PortalService } from './portal.service';

/** The customer portal's views: only a customer's portal token passes, and every answer is that customer's own. */
@ApiTags('portal')
@Controller('portal')
export class PortalController {
  constructor(
    private readonly portal: PortalService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @PortalCustomer()
  @Get('me')
  @ApiOkResponse({ type: PortalProfileDto })
  me(@Customer() customer: CustomerPrincipal) {
    return this.portal.profile(customer);
  }

  @PortalCustomer()
  @Patch('me')
  @ApiOkResponse({ type: PortalProfileDto, description: 'the profile after the change' })
  updateMe(@Customer() customer: CustomerPrincipal, @Body() body: UpdateProfileDto) {
    return this.portal.updateProfile(customer, body);
  }

  @PortalCustomer()
  @Get('tenant-logo')
  @ApiProduces('image/png', 'image/jpeg')
  @ApiOkResponse({ description: "the utility's logo" })
  @ApiNotFoundResponse({ description: 'the utility has no logo' })
  async tenantLogo(@Customer() customer: CustomerPrincipal, @Res() reply: FastifyReply) {
    const logo = await this.portal.logo(customer);
    return reply
      .header('content-type', logo.contentType)
      .header('content-disposition', 'inline')
      .header('cache-control', 'private, max-age=300')
      .send(logo.image);
  }

  @PortalCustomer()
  @Get('subscriptions')
  @ApiOkResponse({ type: [PortalSubscriptionDto] })
  subscriptions(@Customer() customer: CustomerPrincipal) {
    return this.portal.subscriptions(customer);
  }

  @PortalCustomer()
  @Get('subscriptions/:id/consumption')
  @ApiOkResponse({
    type: PortalConsumptionDto,
    description: "by the tenant's local days or months, estimated parts marked, with comparisons",
  })
  consumption(@Customer() customer: CustomerPrincipal, @Param('id', UuidPipe) id: string, @Query() query: ConsumptionQueryDto) {
    return this.portal.consumption(customer, id, query);
  }

  @PortalCustomer()
  @Get('alarms')
  @ApiOkResponse({ type: [PortalAlarmDto], description: 'newest first, at most 500' })
  alarms(@Customer() customer: CustomerPrincipal, @Query() query: AlarmsQueryDto) {
    return this.portal.alarms(customer, query.status);
  }

  @PortalCustomer()
  @Get('invoices')
  @ApiOkResponse({ type: [PortalInvoiceDto], description: 'issued and cancelled invoices and credit notes, newest first' })
  invoices(@Customer() customer: CustomerPrincipal) {
    return this.portal.invoices(customer);
  }

  @PortalCustomer()
  @Get('invoices/:id')
  @ApiOkResponse({ type: PortalInvoiceDetailDto })
  invoice(@Customer() customer: CustomerPrincipal, @Param('id', UuidPipe) id: string) {
    return this.portal.invoice(customer, id);
  }

  @PortalCustomer()
  @Get('invoices/:id/pdf')
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'the invoice PDF as an attachment named <number>.pdf' })
  async invoicePdf(@Customer() customer: CustomerPrincipal, @Param('id', UuidPipe) id: string, @Res() reply: FastifyReply) {
    const { fileName, body } = await this.portal.invoicePdf(customer, id);
    return reply.header('content-type', 'application/pdf').header('content-disposition', `attachment; filename="${fileName}"`).send(body);
  }

  @PortalCustomer()
  @Get('balance')
  @ApiOkResponse({ type: PortalBalanceDto, description: 'the balance and the newest 100 ledger entries' })
  balance(@Customer() customer: CustomerPrincipal) {
    return this.portal.balance(customer);
  }

  @PortalCustomer()
  @Get('consents')
  @ApiOkResponse({ type: [PortalConsentDto], description: 'the current state per kind with its history' })
  consents(@Customer() customer: CustomerPrincipal) {
    return this.portal.consents(customer);
  }

  @PortalCustomer()
  @Post('consents')
  @HttpCode(201)
  @ApiCreatedResponse({ type: RecordedConsentDto })
  recordConsent(@Customer() customer: CustomerPrincipal, @Body() body: RecordConsentDto, @Req() req: FastifyRequest) {
    const userAgent = req.headers['user-agent'];
    return this.portal.recordConsent(customer, body, {
      ip: clientAddress(req, this.config.CONSOLE_PROXY_SECRET) ?? null,
      userAgent: typeof userAgent === 'string' ? userAgent : null,
    });
  }

  @PortalCustomer()
  @Get('export')
  @ApiProduces('application/json', 'application/zip')
  @ApiOkResponse({ description: "the customer's own data as a JSON attachment, or a ZIP of CSV files" })
  async export(@Customer() customer: CustomerPrincipal, @Query() query: ExportQueryDto, @Res() reply: FastifyReply) {
    const file = await this.portal.export(customer, query.format);
    return reply
      .header('content-type', file.contentType)
      .header('content-disposition', `attachment; filename="${file.fileName}"`)
      .header('cache-control', 'no-store')
      .send(file.body);
  }
}
