import type { Page } from 'playwright-core';

/**
 * Fills the form of a Template Nestor generated for a buffet item (team,
 * environment left at its default, deployment name; the item's settings at
 * their defaults; no extra dependency) and creates the task. Returns the
 * deployment's URL in Nestor, from the task's "Open in Nestor" link.
 */
export async function orderThroughTemplate(
  page: Page,
  options: {
    /** what to type into the team picker, and the option to pick */
    team: { search: string; option: RegExp };
    name: string;
    /** runs on the review page, just before Create */
    beforeCreate?: () => Promise<void>;
  },
): Promise<{ deploymentUrl: string }> {
  const team = page.getByRole('textbox', { name: 'Team' });
  await team.click();
  await team.fill(options.team.search);
  await page.getByRole('option', { name: options.team.option }).first().click();
  await page
    .getByRole('textbox', { name: 'Deployment name' })
    .fill(options.name);

  const review = page.getByRole('button', { name: 'Review' });
  for (let step = 0; step < 6 && !(await review.isVisible()); step += 1) {
    await page.getByRole('button', { name: 'Next' }).click();
    await review
      .or(page.getByRole('button', { name: 'Next' }))
      .first()
      .waitFor();
  }
  await review.click();
  await page.getByRole('button', { name: 'Create' }).waitFor();
  await options.beforeCreate?.();
  await page.getByRole('button', { name: 'Create' }).click();

  const open = page.getByRole('link', { name: /Open in Nestor/ });
  await open.waitFor({ timeout: 120_000 });
  const deploymentUrl = await open.getAttribute('href');
  if (!deploymentUrl)
    throw new Error('the task output has no link to the deployment');
  return { deploymentUrl };
}
