/**
 * A target group's 5xx count from CloudWatch, for the weighted Canary's bake (strategy.max5xx):
 * GetMetricData on AWS/ApplicationELB HTTPCode_Target_5XX_Count with the TargetGroup and
 * LoadBalancer dimensions, Sum per minute, added up over the window. ALB publishes the metric
 * per minute and only for minutes with a 5xx, so no datapoint means none; a minute's figure can
 * arrive a minute or two late, which is why the README asks for a bake of 120 s or more.
 */
import { paginateGetMetricData, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { t } from '../l10n';
import { loadBalancerDimension, targetGroupDimension } from './elbArns';

export interface Target5xxQuery {
  readonly targetGroupArn: string;
  /** The listener (or rule) the group is behind: its ARN names the load balancer. */
  readonly listenerArn: string;
  readonly start: Date;
  readonly end: Date;
}

/** Period of ALB metrics, in seconds. */
const PERIOD = 60;

/** The sum of the group's HTTPCode_Target_5XX_Count from the minute `start` falls in until `end`. */
export async function target5xxCount(client: CloudWatchClient, q: Target5xxQuery): Promise<number> {
  const group = targetGroupDimension(q.targetGroupArn);
  const lb = loadBalancerDimension(q.listenerArn);
  if (!group || !lb) throw new Error(t('Cannot read the 5xx count of {0}: the CloudWatch dimensions need a target group ARN and a listener ARN.', q.targetGroupArn));
  const start = new Date(Math.floor(q.start.getTime() / (PERIOD * 1000)) * PERIOD * 1000);
  const end = new Date(Math.max(q.end.getTime(), start.getTime() + PERIOD * 1000));
  let sum = 0;
  const pages = paginateGetMetricData(
    { client },
    {
      StartTime: start,
      EndTime: end,
      MetricDataQueries: [
        {
          Id: 'target5xx',
          MetricStat: {
            Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count', Dimensions: [{ Name: 'TargetGroup', Value: group }, { Name: 'LoadBalancer', Value: lb }] },
            Period: PERIOD,
            Stat: 'Sum',
          },
          ReturnData: true,
        },
      ],
    },
  );
  for await (const page of pages) {
    for (const r of page.MetricDataResults ?? []) sum += (r.Values ?? []).reduce((a, v) => a + v, 0);
  }
  return sum;
}
