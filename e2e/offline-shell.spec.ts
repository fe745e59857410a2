import { expect, test } from './fixtures/server';

test('the app shell renders offline after one online visit, with the server stopped', async ({
  page,
  context,
  server,
}) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('新时代文明实践阵地测评');

  // The service worker has precached the shell once it is active.
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(scope).toBe(`${server.url}/`);

  await server.stop();
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('app-shell')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('新时代文明实践阵地测评');

  // Really offline: the API is unreachable from the page.
  const reachable = await page.evaluate(async () =>
    fetch('/api/health').then(
      () => true,
      () => false,
    ),
  );
  expect(reachable).toBe(false);
});
