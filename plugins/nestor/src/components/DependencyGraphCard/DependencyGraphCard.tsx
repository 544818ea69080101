import {
  DependencyGraph,
  DependencyGraphTypes,
  InfoCard,
  Progress,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useTheme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import type {
  DependencyGraphNode,
  DependencyGraphResponse,
} from '@nestor/plugin-nestor-common';
import useAsync from 'react-use/esm/useAsync';
import { nestorApiRef } from '../../api/NestorApi';
import { mergeDependencyGraphs } from '../../lib/mergeDependencyGraphs';
import { NestorErrorPanel } from '../NestorErrorPanel/NestorErrorPanel';

/** The most roots asked for one card (one request each). */
const MAX_ROOTS = 10;

type NodeData = DependencyGraphNode & { own: boolean };
type EdgeData = { crossTeam: boolean };

/** Props of {@link DependencyGraphCard}. @public */
export interface DependencyGraphCardProps {
  /** the whole graph of a team (`GET /dependencies/graph?team=`) */
  team?: string;
  /** or the graphs around these deployments (`?root=`), merged */
  roots?: string[];
  /** the deployments this card is about, drawn in the primary colour */
  highlight?: string[];
}

function useGraph(props: DependencyGraphCardProps) {
  const api = useApi(nestorApiRef);
  const roots = (props.roots ?? []).slice(0, MAX_ROOTS);
  return useAsync(async (): Promise<DependencyGraphResponse> => {
    if (props.team) return api.getDependencyGraph({ team: props.team });
    if (roots.length === 0) return { nodes: [], edges: [], cycles: [] };
    return mergeDependencyGraphs(
      await Promise.all(roots.map(root => api.getDependencyGraph({ root }))),
    );
  }, [api, props.team, roots.join(' ')]);
}

/**
 * The dependency graph around an entity's deployments, drawn with
 * Backstage's `DependencyGraph`: an arrow from a deployment to what it
 * depends on, edges between teams labelled "cross-team" in the warning
 * colour, the entity's own deployments in the primary colour, cycles named.
 * @public
 */
export function DependencyGraphCard(props: DependencyGraphCardProps) {
  const theme = useTheme();
  const graph = useGraph(props);
  const highlight = new Set(props.highlight ?? []);

  let body: JSX.Element;
  if (graph.loading) body = <Progress />;
  else if (graph.error) {
    body = (
      <NestorErrorPanel
        error={graph.error}
        permission="nestor.deployment.read"
        what="the dependency graph"
      />
    );
  } else if (!graph.value || graph.value.edges.length === 0) {
    body = (
      <Typography variant="body2" color="textSecondary">
        No dependencies: these deployments neither depend on others nor are
        depended on.
      </Typography>
    );
  } else {
    const { nodes, edges, cycles } = graph.value;
    const crossTeam = edges.filter(e => e.crossTeam);
    const graphNodes: DependencyGraphTypes.DependencyNode<NodeData>[] =
      nodes.map(n => ({
        ...n,
        id: n.ref,
        own: highlight.has(n.ref) || n.team === props.team,
      }));
    const graphEdges: DependencyGraphTypes.DependencyEdge<EdgeData>[] =
      edges.map(e => ({
        from: e.from,
        to: e.to,
        crossTeam: e.crossTeam,
        label: e.crossTeam ? 'cross-team' : undefined,
      }));
    const renderNode = ({
      node,
    }: DependencyGraphTypes.RenderNodeProps<NodeData>) => {
      const title = node.visible ? node.ref : `${node.team}/…`;
      const subtitle = node.visible
        ? `${node.resource ?? ''} · ${node.phase ?? ''}`
        : 'not visible to you';
      const width = Math.max(title.length, subtitle.length) * 7 + 24;
      const fill = node.own
        ? theme.palette.primary.main
        : theme.palette.background.paper;
      const text = node.own
        ? theme.palette.primary.contrastText
        : theme.palette.text.primary;
      return (
        <g>
          <rect
            width={width}
            height={44}
            rx={8}
            fill={fill}
            stroke={theme.palette.divider}
          />
          <text x={12} y={18} fill={text} fontSize={13}>
            {title}
          </text>
          <text x={12} y={35} fill={text} fontSize={11} opacity={0.8}>
            {subtitle}
          </text>
        </g>
      );
    };
    const renderLabel = ({
      edge,
    }: DependencyGraphTypes.RenderLabelProps<EdgeData>) => (
      <text fill={theme.palette.warning.main} fontSize={11} textAnchor="middle">
        {edge.label}
      </text>
    );
    body = (
      <>
        <DependencyGraph
          nodes={graphNodes}
          edges={graphEdges}
          renderNode={renderNode}
          renderLabel={renderLabel}
          direction={DependencyGraphTypes.Direction.LEFT_RIGHT}
          zoom="enable-on-click"
          showArrowHeads
          style={{ width: '100%', minHeight: 200 }}
        />
        <Typography variant="body2" component="div">
          {crossTeam.length === 0 ? (
            'No cross-team dependency.'
          ) : (
            <>
              Cross-team dependencies:
              <ul aria-label="Cross-team dependencies" style={{ margin: 0 }}>
                {crossTeam.map(e => (
                  <li key={`${e.from}-${e.to}`}>
                    <code>{e.from}</code> depends on <code>{e.to}</code>
                  </li>
                ))}
              </ul>
            </>
          )}
        </Typography>
        {cycles.length > 0 && (
          <Typography variant="body2" color="error">
            Cycles: {cycles.map(c => c.join(' → ')).join('; ')}
          </Typography>
        )}
      </>
    );
  }
  return <InfoCard title="Dependency graph">{body}</InfoCard>;
}
