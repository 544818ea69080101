import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import { ConditionsTable } from './ConditionsTable';

const at = '2025-03-01T09:00:00.000Z';

describe('ConditionsTable', () => {
  it('shows Drifted=True as a warning with the drift message, and Ready=True as OK', async () => {
    await renderInTestApp(
      <ConditionsTable
        conditions={[
          {
            type: 'Ready',
            status: 'True',
            reason: 'Applied',
            lastTransitionTime: at,
          },
          {
            type: 'Drifted',
            status: 'True',
            reason: 'DriftDetected',
            message: 'Plan: 1 to add, 0 to change, 0 to destroy.',
            lastTransitionTime: at,
          },
        ]}
      />,
    );
    const [, ready, drifted] = screen.getAllByRole('row');
    expect(within(ready).getByLabelText('Status ok')).toHaveTextContent('True');
    expect(within(drifted).getByLabelText('Status warning')).toHaveTextContent(
      'True',
    );
    expect(within(drifted).getByText('DriftDetected')).toBeInTheDocument();
    expect(
      within(drifted).getByText('Plan: 1 to add, 0 to change, 0 to destroy.'),
    ).toBeInTheDocument();
  });

  it('shows Drifted=False (the drift is gone) as OK, and Ready=False as an error', async () => {
    await renderInTestApp(
      <ConditionsTable
        conditions={[
          {
            type: 'Ready',
            status: 'False',
            reason: 'Broken',
            lastTransitionTime: at,
          },
          {
            type: 'Drifted',
            status: 'False',
            reason: 'DriftResolved',
            lastTransitionTime: at,
          },
        ]}
      />,
    );
    const [, ready, drifted] = screen.getAllByRole('row');
    expect(within(ready).getByLabelText('Status error')).toHaveTextContent(
      'False',
    );
    expect(within(drifted).getByLabelText('Status ok')).toHaveTextContent(
      'False',
    );
  });
});
