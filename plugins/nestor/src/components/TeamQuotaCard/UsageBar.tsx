import { GaugePropsGetColor, LinearGauge } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';

/** Green below 70 %, orange below 90 %, red from there: usage, not progress. */
const usageColor: GaugePropsGetColor = ({ palette, value }) => {
  if (value >= 90) return palette.status.error;
  if (value >= 70) return palette.status.warning;
  return palette.status.ok;
};

/**
 * One usage against its limit: a label with both numbers and a bar in the
 * theme's status colours (no bar when there is no limit).
 * @public
 */
export function UsageBar(props: {
  label: string;
  used: number;
  limit?: number;
  format?: (n: number) => string;
}) {
  const { label, used, limit, format = String } = props;
  const text =
    limit === undefined
      ? `${format(used)} (no limit)`
      : `${format(used)} of ${format(limit)}`;
  return (
    <Box mb={1}>
      <Typography variant="body2">
        {label}: {text}
      </Typography>
      {limit !== undefined && (
        <div
          role="meter"
          aria-label={`${label}: ${text}`}
          aria-valuenow={used}
          aria-valuemin={0}
          aria-valuemax={limit}
        >
          <LinearGauge
            value={limit === 0 ? 1 : used / limit}
            getColor={usageColor}
          />
        </div>
      )}
    </Box>
  );
}
