import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { AddressDetailDto, AddressPageDto, CreateAddressDto, ListAddressesQueryDto, UpdateAddressDto } from './addresses.dto';
import { AddressesService } from './addresses.service';

/** Addresses are a shared entity of the customer forms: the CUSTOMERS module grants their rights. */
@ApiTags('addresses')
@Controller('addresses')
export class AddressesController {
  constructor(private readonly addresses: AddressesService) {}

  @Access('CUSTOMERS', 'read')
  @Get()
  @ApiOkResponse({ type: AddressPageDto })
  list(@Auth() access: AccessContext, @Query() query: ListAddressesQueryDto) {
    return this.addresses.list(access, query);
  }

  @Access('CUSTOMERS', 'read')
  @Get(':id')
  @ApiOkResponse({ type: AddressDetailDto })
  detail(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.addresses.detail(access, id);
  }

  @Access('CUSTOMERS', 'create')
  @Post()
  @ApiCreatedResponse({ type: AddressDetailDto })
  create(@Auth() access: AccessContext, @Body() body: CreateAddressDto) {
    return this.addresses.create(access, body);
  }

  @Access('CUSTOMERS', 'update')
  @Patch(':id')
  @ApiOkResponse({ type: AddressDetailDto })
  update(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: UpdateAddressDto) {
    return this.addresses.update(access, id, body);
  }

  @Access('CUSTOMERS', 'delete')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.addresses.remove(access, id);
  }
}
