import { HelmBlock } from '@nestor/plugin-nestor-common';
import { EngineRenderContext } from '@nestor/plugin-nestor-node';
import { ResolvedHelmValues } from './resolveHelmValues';

/** What every Helm renderer gets. @public */
export interface HelmRenderInput {
  context: EngineRenderContext;
  block: HelmBlock;
  values: ResolvedHelmValues;
  releaseName: string;
  /** where the generated wrapper chart is committed (a folder in the GitOps repository), for wrapper charts */
  wrapperChartPath?: string;
}

/** The folder of a deployment's generated wrapper chart, relative to the deployment folder. @public */
export const WRAPPER_CHART_DIR = 'chart';
