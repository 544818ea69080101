import TextField from '@material-ui/core/TextField';

/** Props of {@link FilterSelect}. @public */
export interface FilterSelectProps {
  label: string;
  value: string | undefined;
  options: readonly string[];
  onChange(value: string | undefined): void;
  /** the label of the empty choice, `All` by default */
  allLabel?: string;
}

/**
 * One filter of a list: a labelled native select whose empty choice means
 * "no filter". Native, so keyboards, screen readers and tests drive it like
 * any form control.
 * @public
 */
export function FilterSelect(props: FilterSelectProps) {
  const { label, value, options, onChange, allLabel = 'All' } = props;
  const id = `nestor-filter-${label.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <TextField
      id={id}
      select
      label={label}
      value={value ?? ''}
      onChange={e => onChange(e.target.value || undefined)}
      SelectProps={{ native: true }}
      InputLabelProps={{ shrink: true }}
      variant="outlined"
      size="small"
      fullWidth
    >
      <option value="">{allLabel}</option>
      {options.map(option => (
        <option key={option} value={option}>
          {option}
        </option>
      ))}
    </TextField>
  );
}
