import { Content, EmptyState, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useEffect, useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { nestorApiRef } from '../../api/NestorApi';
import { useUrlFilters } from '../../hooks/useUrlFilters';
import { FilterSelect } from '../FilterSelect/FilterSelect';
import { NestorErrorPanel } from '../NestorErrorPanel/NestorErrorPanel';
import { BuffetItemCard } from './BuffetItemCard';
import { buffetFacets } from './buffetFacets';

const FILTER_KEYS = ['q', 'type', 'engine', 'tag', 'owner'] as const;
const MAX_ITEMS = 500;

/**
 * The buffet: every item the signed-in user may order, searchable and
 * filtered by type, engine, tag and owner (the filters live in the URL, so a
 * filtered buffet can be shared), each as a card with its Order button.
 * @public
 */
export function BuffetPage(props: { templateNamespace?: string }) {
  const api = useApi(nestorApiRef);
  const { filters, setFilter, clear } = useUrlFilters(FILTER_KEYS);
  const filterKey = JSON.stringify(filters);
  const hasFilters = Object.keys(filters).length > 0;

  const [search, setSearch] = useState(filters.q ?? '');
  useEffect(() => setSearch(filters.q ?? ''), [filters.q]);
  useDebounce(
    () => {
      if ((filters.q ?? '') !== search.trim()) setFilter('q', search.trim());
    },
    300,
    [search],
  );

  const all = useAsync(() => api.listCatalog({ limit: MAX_ITEMS }), [api]);
  const filtered = useAsync(
    async () =>
      hasFilters
        ? api.listCatalog({ ...JSON.parse(filterKey), limit: MAX_ITEMS })
        : undefined,
    [api, filterKey],
  );
  const facets = useMemo(
    () => buffetFacets(all.value?.items ?? []),
    [all.value],
  );

  const error = all.error ?? filtered.error;
  const result = hasFilters ? filtered.value : all.value;
  const loading = all.loading || filtered.loading;

  let body: JSX.Element;
  if (error) {
    body = (
      <NestorErrorPanel
        error={error}
        permission="nestor.catalog.read"
        what="the buffet"
      />
    );
  } else if (loading || !result) {
    body = <Progress />;
  } else if (result.items.length === 0 && !hasFilters) {
    body = (
      <EmptyState
        missing="data"
        title="The buffet is empty"
        description="No resource definition is visible to your teams yet. Platform teams publish them as YAML in a Nestor source (nestor.sources in app-config.yaml)."
      />
    );
  } else if (result.items.length === 0) {
    body = (
      <EmptyState
        missing="content"
        title="Nothing matches these filters"
        description="Try another search or fewer filters."
        action={
          <Button variant="outlined" onClick={clear}>
            Clear filters
          </Button>
        }
      />
    );
  } else {
    body = (
      <>
        <Typography variant="body2" color="textSecondary" paragraph>
          {result.totalCount === 1 ? '1 item' : `${result.totalCount} items`}
          {result.totalCount > result.items.length
            ? ` (showing the first ${result.items.length})`
            : ''}
        </Typography>
        <Grid container spacing={2} role="list" aria-label="Buffet items">
          {result.items.map(item => (
            <Grid item key={item.name} xs={12} sm={6} lg={4} role="listitem">
              <BuffetItemCard
                item={item}
                templateNamespace={props.templateNamespace}
              />
            </Grid>
          ))}
        </Grid>
      </>
    );
  }

  return (
    <Content>
      <Grid container spacing={2} style={{ marginBottom: 16 }}>
        <Grid item xs={12} md={4}>
          <TextField
            label="Search"
            placeholder="name, title, description"
            value={search}
            onChange={e => setSearch(e.target.value)}
            variant="outlined"
            size="small"
            fullWidth
            InputLabelProps={{ shrink: true }}
            inputProps={{ 'aria-label': 'Search the buffet' }}
          />
        </Grid>
        {(
          [
            ['Type', 'type', facets.types],
            ['Engine', 'engine', facets.engines],
            ['Tag', 'tag', facets.tags],
            ['Owner', 'owner', facets.owners],
          ] as const
        ).map(([label, key, options]) => (
          <Grid item xs={6} md={2} key={key}>
            <FilterSelect
              label={label}
              value={filters[key]}
              options={options}
              onChange={v => setFilter(key, v)}
            />
          </Grid>
        ))}
      </Grid>
      {body}
    </Content>
  );
}
