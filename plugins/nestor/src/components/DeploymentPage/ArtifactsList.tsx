import { CodeSnippet } from '@backstage/core-components';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Typography from '@material-ui/core/Typography';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import type { Revision } from '@nestor/plugin-nestor-common';
import { DeliverySummary } from './DeliverySummary';

/**
 * What the engine rendered for a revision, file by file (kind and path,
 * the YAML on demand), and the commit that delivered it.
 * @public
 */
export function ArtifactsList(props: { revision?: Revision }) {
  const { revision } = props;
  if (!revision || revision.artifacts.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Nothing rendered yet.
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="body2" paragraph>
        Revision {revision.revision}:{' '}
        <DeliverySummary delivery={revision.delivery} />
      </Typography>
      {revision.artifacts.map(artifact => (
        <Accordion
          key={artifact.path}
          TransitionProps={{ unmountOnExit: true }}
        >
          <AccordionSummary expandIcon={<ExpandMoreIcon />}>
            <Typography variant="body2">
              <code>{artifact.path}</code>
              {artifact.kind
                ? ` · ${artifact.apiVersion ?? ''} ${artifact.kind}`
                : ''}
            </Typography>
          </AccordionSummary>
          <AccordionDetails style={{ display: 'block', overflowX: 'auto' }}>
            <CodeSnippet
              text={artifact.content || '# (content not loaded)'}
              language="yaml"
              showCopyCodeButton
            />
          </AccordionDetails>
        </Accordion>
      ))}
    </>
  );
}
