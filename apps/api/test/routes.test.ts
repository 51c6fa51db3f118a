import { RequestMethod } from '@nestjs/common';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, NestFactory } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { AppModule } from '../src/app.module';
import { ACCESS_RULE, type AccessRule } from '../src/core/auth/access.decorator';
import { loadConfig } from '../src/core/config/config';
import { DiscoveryModule } from '@nestjs/core';
import { Module } from '@nestjs/common';

const describeRule = (rule: AccessRule | undefined): string =>
  !rule
    ? 'UNDECLARED'
    : rule.kind === 'permission'
      ? `${rule.module} ${rule.action}`
      : rule.kind === 'public'
        ? '@Public'
        : rule.kind === 'customer'
          ? '@PortalCustomer'
          : '@Authenticated';

/**
 * Deny by default, proved: every route of every controller declares its access rule; and who may call
 * each route, read or write, is pinned in a reviewed file (test/__snapshots__/routes.txt), so a changed or
 * new access rule shows up in review (update with `vitest run test/routes.test.ts -u`).
 */
describe('route access declarations', () => {
  it('has an access rule on every registered route, and every route keeps its declared callers', async () => {
    @Module({ imports: [AppModule.forRoot(loadConfig({ LOG_LEVEL: 'silent' })), DiscoveryModule] })
    class Probe {}
    const app = await NestFactory.createApplicationContext(Probe, { logger: false, abortOnError: false });
    try {
      const discovery = app.get(DiscoveryService);
      const scanner = app.get(MetadataScanner);
      const routes: string[] = [];
      const undeclared: string[] = [];
      const pinned: string[] = [];
      for (const wrapper of discovery.getControllers()) {
        const instance = wrapper.instance as object;
        const proto = Object.getPrototypeOf(instance);
        const classRule = Reflect.getMetadata(ACCESS_RULE, proto.constructor);
        for (const name of scanner.getAllMethodNames(proto)) {
          const handler = proto[name];
          if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
          const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
          const label = `${method} ${Reflect.getMetadata(PATH_METADATA, proto.constructor)}/${Reflect.getMetadata(PATH_METADATA, handler)}`;
          routes.push(label);
          const rule = (Reflect.getMetadata(ACCESS_RULE, handler) ?? classRule) as AccessRule | undefined;
          if (!rule) undeclared.push(label);
          const path = `/api/${Reflect.getMetadata(PATH_METADATA, proto.constructor)}/${Reflect.getMetadata(PATH_METADATA, handler)}`
            .replace(/\/+/g, '/')
            .replace(/\/$/, '');
          pinned.push(`${path.padEnd(60)} ${method.padEnd(6)} ${describeRule(rule)}`);
        }
      }
      expect(routes.length).toBeGreaterThan(10);
      expect(undeclared).toEqual([]);
      await expect(`${pinned.sort().join('\n')}\n`).toMatchFileSnapshot('__snapshots__/routes.txt');
    } finally {
      await app.close();
    }
  });
});
