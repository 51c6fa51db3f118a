import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import { CreateUserDto, ListUsersQueryDto, SetMembershipDto, UpdateUserDto, UserDetailDto, UserPageDto } from './users.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Access('USERS', 'read')
  @Get()
  @ApiOkResponse({ type: UserPageDto })
  list(@Auth() access: AccessContext, @Query() query: ListUsersQueryDto) {
    return this.users.list(access, query);
  }

  @Access('USERS', 'read')
  @Get(':id')
  @ApiOkResponse({ type: UserDetailDto })
  detail(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.users.detail(access, id);
  }

  @Access('USERS', 'create')
  @Post()
  @ApiCreatedResponse({ type: UserDetailDto })
  create(@Auth() access: AccessContext, @Body() body: CreateUserDto) {
    return this.users.create(access, body);
  }

  @Access('USERS', 'update')
  @Patch(':id')
  @ApiOkResponse({ type: UserDetailDto })
  update(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: UpdateUserDto) {
    return this.users.update(access, id, body);
  }

  @Access('USERS', 'delete')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.users.remove(access, id);
  }

  @Access('USERS', 'update')
  @Put(':id/memberships/:tenantId')
  @ApiOkResponse({ type: UserDetailDto, description: 'adds the user to the tenant or changes their role and matrix there' })
  setMembership(
    @Auth() access: AccessContext,
    @Param('id', UuidPipe) id: string,
    @Param('tenantId', UuidPipe) tenantId: string,
    @Body() body: SetMembershipDto,
  ) {
    return this.users.setMembership(access, id, tenantId, body);
  }

  @Access('USERS', 'update')
  @Delete(':id/memberships/:tenantId')
  @HttpCode(204)
  async removeMembership(
    @Auth() access: AccessContext,
    @Param('id', UuidPipe) id: string,
    @Param('tenantId', UuidPipe) tenantId: string,
  ): Promise<void> {
    await this.users.removeMembership(access, id, tenantId);
  }
}
