/**
 * "TRL config" in the page: the header button shows the run's settings as TRL Python, from
 * the config the lab link loaded (the text itself is unit-tested in tests/share).
 */
import { expect, it } from 'vitest';
import { linkFor, openLab, TINY, waitForBackend } from './harness';

it('shows the loaded run as a GRPOConfig with its values, and closes', async () => {
  const lab = await openLab(linkFor({ ...TINY, algo: 'grpo', group: 4, eps: 0.15, backend: 'cpu' }));
  const { page } = lab;
  try {
    await waitForBackend(page);
    await page.getByTestId('trl-config').click();
    const text = (await page.getByTestId('trl-config-text').textContent()) ?? '';
    expect(text).toContain('from trl import GRPOConfig');
    expect(text).toMatch(/^ {4}epsilon=0\.15,/m);
    expect(text).toMatch(/^ {4}num_generations=4,/m);
    expect(text).toMatch(/^# Exported from http.*eps=0\.15/m);
    await page.getByRole('dialog', { name: 'TRL config' }).getByRole('button', { name: 'Close' }).click();
    expect(await page.getByTestId('trl-config-text').count()).toBe(0);
    expect(lab.consoleErrors).toEqual([]);
  } finally {
    await lab.close();
  }
});
