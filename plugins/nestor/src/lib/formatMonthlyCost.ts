/**
 * A monthly cost for people: `120 USD / month`, `1,234.5 EUR / month`.
 * @public
 */
export function formatMonthlyCost(
  cost: { monthly: number; currency?: string } | undefined,
): string {
  if (!cost) return 'no estimate';
  const amount = cost.monthly.toLocaleString('en-US', {
    maximumFractionDigits: 2,
  });
  return `${amount} ${cost.currency ?? 'USD'} / month`;
}
