import { Link, Table, TableColumn } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import type { Deployment } from '@nestor/plugin-nestor-common';
import { ReactNode } from 'react';
import { deploymentRouteRef } from '../../routes';
import { PhaseStatus } from '../PhaseStatus/PhaseStatus';

/** Props of {@link DeploymentsTable}. @public */
export interface DeploymentsTableProps {
  deployments: Deployment[];
  title?: string | JSX.Element;
  loading?: boolean;
  /** what to show when there is no deployment */
  emptyContent?: ReactNode;
  /** hide the team column (a team's own page) */
  hideTeam?: boolean;
}

/**
 * Deployments as a table: ref (a link to the deployment's page), item and
 * version, team, environment, phase, engine, cost and last change. Rows are
 * copies: the table library writes its own state into the objects it gets.
 * @public
 */
export function DeploymentsTable(props: DeploymentsTableProps) {
  const deploymentLink = useRouteRef(deploymentRouteRef);
  const columns: TableColumn<Deployment>[] = [
    {
      title: 'Deployment',
      field: 'ref',
      highlight: true,
      cellStyle: { minWidth: 220, wordBreak: 'break-word' },
      render: d =>
        deploymentLink ? (
          <Link to={deploymentLink({ id: d.id })}>{d.ref}</Link>
        ) : (
          d.ref
        ),
    },
    {
      title: 'Item',
      field: 'resource.name',
      render: d => `${d.resource.name}@${d.resource.version}`,
    },
    ...(props.hideTeam
      ? []
      : [{ title: 'Team', field: 'team' } as TableColumn<Deployment>]),
    { title: 'Environment', field: 'environment' },
    {
      title: 'Phase',
      field: 'phase',
      render: d => <PhaseStatus phase={d.phase} />,
    },
    { title: 'Engine', field: 'engine' },
    {
      title: 'Cost / month',
      field: 'monthlyCost',
      type: 'numeric',
    },
    {
      title: 'Updated',
      field: 'updatedAt',
      defaultSort: 'desc',
      render: d => new Date(d.updatedAt).toLocaleString(),
    },
  ];
  return (
    <Table<Deployment>
      title={props.title}
      isLoading={props.loading}
      columns={columns}
      data={props.deployments.map(d => ({ ...d }))}
      emptyContent={props.emptyContent}
      options={{
        paging: props.deployments.length > 20,
        pageSize: 20,
        search: true,
        padding: 'dense',
      }}
    />
  );
}
