/**
 * Routes declare who may call them (`config.allow`, or `config.open`), and the server refuses to
 * start with an /api route that declares neither: a guard cannot be forgotten. Which role gets
 * what from each real route is the role × route matrix (api.roles.test.ts).
 */
import Fastify from 'fastify';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../storage/schema';
import { guardRoutes, OFFICE } from './guard';

/** Never queried: every request below is refused for its missing token before any look-up. */
const NO_DATABASE = {} as Kysely<Database>;

function guardedApp() {
  const app = Fastify();
  guardRoutes(app, NO_DATABASE, () => new Date());
  return app;
}

describe('guardRoutes', () => {
  it('refuses to start with an /api route that declares no check and is not open', async () => {
    const app = guardedApp();
    const registering = app.register(
      async (api) => {
        api.get('/forgotten', async () => 'secret');
      },
      { prefix: '/api' },
    );
    await expect(registering).rejects.toThrow('GET /api/forgotten: no config.allow and not config.open');
  });

  it('lets open routes and routes outside /api through, and checks the declared roles first', async () => {
    const app = guardedApp();
    const ownChecks: string[] = [];
    await app.register(
      async (api) => {
        api.get('/health', { config: { open: true } }, async () => 'ok');
        api.get(
          '/office-only',
          {
            config: { allow: OFFICE },
            preHandler: async () => {
              ownChecks.push('ran');
            },
          },
          async () => 'secret',
        );
      },
      { prefix: '/api' },
    );
    app.get('/index.html', async () => 'shell');
    await app.ready();
    expect((await app.inject({ url: '/api/health' })).body).toBe('ok');
    expect((await app.inject({ url: '/index.html' })).body).toBe('shell');
    const refused = await app.inject({ url: '/api/office-only' });
    expect(refused.statusCode).toBe(401);
    expect(refused.body).not.toContain('secret');
    expect(ownChecks).toEqual([]);
    await app.close();
  });
});
