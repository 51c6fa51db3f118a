import { RequestMethod } from '@nestjs/common';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, NestFactory } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { AppModule } from '../src/app.module';
import { ACCESS_RULE } from '../src/core/auth/access.decorator';
import { loadConfig } from '../src/core/config/config';
import { DiscoveryModule } from '@nestjs/core';
import { Module } from '@nestjs/common';

/** Deny by default, proved: every route of every controller declares its access rule. */
describe('route access declarations', () => {
  it('has an access rule on every registered route', async () => {
    @Module({ imports: [AppModule.forRoot(loadConfig({ LOG_LEVEL: 'silent' })), DiscoveryModule] })
    class Probe {}
    const app = await NestFactory.createApplicationContext(Probe, { logger: false, abortOnError: false });
    try {
      const discovery = app.get(DiscoveryService);
      const scanner = app.get(MetadataScanner);
      const routes: string[] = [];
      const undeclared: string[] = [];
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
          if (!Reflect.getMetadata(ACCESS_RULE, handler) && !classRule) undeclared.push(label);
        }
      }
      expect(routes.length).toBeGreaterThan(10);
      expect(undeclared).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
