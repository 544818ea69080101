import Step from '@material-ui/core/Step';
import StepContent from '@material-ui/core/StepContent';
import StepLabel from '@material-ui/core/StepLabel';
import Stepper from '@material-ui/core/Stepper';
import Typography from '@material-ui/core/Typography';
import type { PhaseTransition } from '@nestor/plugin-nestor-common';

const FAILED = new Set(['Failed', 'Cancelled']);

/**
 * A deployment's phases in the order they happened, each with its time and
 * the reason the coordinator gave; the last one is the current phase.
 * @public
 */
export function PhaseTimeline(props: { history: PhaseTransition[] }) {
  const { history } = props;
  return (
    <Stepper
      orientation="vertical"
      activeStep={history.length - 1}
      aria-label="Phase timeline"
      style={{ padding: 0, background: 'transparent' }}
    >
      {history.map((transition, index) => (
        <Step
          key={`${transition.phase}-${transition.at}-${index}`}
          completed={index < history.length - 1}
          expanded
        >
          <StepLabel error={FAILED.has(transition.phase)}>
            {transition.phase}
            <Typography
              variant="caption"
              color="textSecondary"
              component="span"
            >
              {' · '}
              {new Date(transition.at).toLocaleString()}
            </Typography>
          </StepLabel>
          <StepContent>
            {(transition.reason || transition.message) && (
              <Typography variant="body2" color="textSecondary">
                {[transition.reason, transition.message]
                  .filter(Boolean)
                  .join(': ')}
              </Typography>
            )}
          </StepContent>
        </Step>
      ))}
    </Stepper>
  );
}
