import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { CreatePaymentDto, ListPaymentsQueryDto, PaymentDto, PaymentPageDto, RefundDto } from './payments.dto';
import { PaymentsService } from './payments.service';

/**
 * Payments (issue 18): the cash desk's entries, their refunds and the list of all money received.
 * Payments are immutable: there is no update or delete; a mistake is answered by a refund.
 */
@ApiTags('billing')
@Controller('payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Access('BILLING', 'read')
  @Get()
  @ApiOkResponse({ type: PaymentPageDto })
  list(@Auth() access: AccessContext, @Query() query: ListPaymentsQueryDto) {
    return this.payments.list(access, query);
  }

  @Access('BILLING', 'read')
  @Get(':id')
  @ApiOkResponse({ type: PaymentDto })
  detail(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.payments.detail(access, id);
  }

  /** 201 when booked; 200 with the payment booked before when the same receipt is sent again. */
  @Access('BILLING', 'create')
  @Post()
  @ApiCreatedResponse({ type: PaymentDto })
  @ApiOkResponse({ type: PaymentDto, description: 'a replay of a receipt already booked (same customer and amount)' })
  async create(@Auth() access: AccessContext, @Body() body: CreatePaymentDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const { payment, replayed } = await this.payments.recordCashPayment(access, body);
    reply.status(replayed ? 200 : 201);
    return payment;
  }

  @Access('BILLING', 'create')
  @Post(':id/refund')
  @HttpCode(201)
  @ApiCreatedResponse({ type: PaymentDto, description: 'the refund' })
  refund(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: RefundDto) {
    return this.payments.refund(access, id, body);
  }
}
