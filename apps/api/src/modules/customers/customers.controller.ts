import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import {
  ContactDto,
  ContactInputDto,
  CreateCustomerDto,
  CustomerDetailDto,
  CustomerPageDto,
  ListCustomersQueryDto,
  UpdateContactDto,
  UpdateCustomerDto,
} from './customers.dto';
import { CustomersService } from './customers.service';

@ApiTags('customers')
@Controller('customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Access('CUSTOMERS', 'read')
  @Get()
  @ApiOkResponse({ type: CustomerPageDto })
  list(@Auth() access: AccessContext, @Query() query: ListCustomersQueryDto) {
    return this.customers.list(access, query);
  }

  @Access('CUSTOMERS', 'read')
  @Get(':id')
  @ApiOkResponse({ type: CustomerDetailDto })
  detail(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.customers.detail(access, id);
  }

  @Access('CUSTOMERS', 'create')
  @Post()
  @ApiCreatedResponse({ type: CustomerDetailDto })
  create(@Auth() access: AccessContext, @Body() body: CreateCustomerDto) {
    return this.customers.create(access, body);
  }

  @Access('CUSTOMERS', 'update')
  @Patch(':id')
  @ApiOkResponse({ type: CustomerDetailDto })
  update(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: UpdateCustomerDto) {
    return this.customers.update(access, id, body);
  }

  @Access('CUSTOMERS', 'delete')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.customers.remove(access, id);
  }

  @Access('CUSTOMERS', 'update')
  @Post(':id/contacts')
  @ApiCreatedResponse({ type: ContactDto })
  addContact(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: ContactInputDto) {
    return this.customers.addContact(access, id, body);
  }

  @Access('CUSTOMERS', 'update')
  @Patch(':id/contacts/:contactId')
  @ApiOkResponse({ type: ContactDto })
  updateContact(
    @Auth() access: AccessContext,
    @Param('id', UuidPipe) id: string,
    @Param('contactId', UuidPipe) contactId: string,
    @Body() body: UpdateContactDto,
  ) {
    return this.customers.updateContact(access, id, contactId, body);
  }

  @Access('CUSTOMERS', 'update')
  @Delete(':id/contacts/:contactId')
  @HttpCode(204)
  async removeContact(
    @Auth() access: AccessContext,
    @Param('id', UuidPipe) id: string,
    @Param('contactId', UuidPipe) contactId: string,
  ): Promise<void> {
    await this.customers.removeContact(access, id, contactId);
  }
}
