/** ELBv2 names and ARNs, SDK-free (the deploy file's parser checks them too). */
const TARGET_GROUP_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):\d{12}:targetgroup\/[\w-]{1,32}\/[0-9a-f]{16}$/;
const LISTENER_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):\d{12}:listener\/(app|net)\/[\w-]{1,32}\/[0-9a-f]{16}\/[0-9a-f]{16}$/;
const LISTENER_RULE_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):\d{12}:listener-rule\/(app|net)\/[\w-]{1,32}\/[0-9a-f]{16}\/[0-9a-f]{16}\/[0-9a-f]{16}$/;
/** A target group's name: 1–32 letters, digits and hyphens, not starting or ending with a hyphen. */
const TARGET_GROUP_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;

export const isTargetGroupArn = (ref: string): boolean => TARGET_GROUP_ARN.test(ref);
export const isTargetGroupName = (ref: string): boolean => TARGET_GROUP_NAME.test(ref);
export const isListenerArn = (ref: string): boolean => LISTENER_ARN.test(ref);
export const isListenerRuleArn = (ref: string): boolean => LISTENER_RULE_ARN.test(ref);
/** The region in a target group's or listener's ARN. */
export const regionOfElbArn = (arn: string): string | undefined => (TARGET_GROUP_ARN.exec(arn) ?? LISTENER_ARN.exec(arn) ?? LISTENER_RULE_ARN.exec(arn))?.[1];

/** A target group's CloudWatch dimension (AWS/ApplicationELB TargetGroup): the ARN's part from "targetgroup/". */
export function targetGroupDimension(arn: string): string | undefined {
  return TARGET_GROUP_ARN.test(arn) ? arn.slice(arn.indexOf(':targetgroup/') + 1) : undefined;
}

/** The load balancer's CloudWatch dimension (AWS/ApplicationELB LoadBalancer, "app/NAME/ID") from one of its listeners' or rules' ARNs. */
export function loadBalancerDimension(listenerOrRuleArn: string): string | undefined {
  if (!LISTENER_ARN.test(listenerOrRuleArn) && !LISTENER_RULE_ARN.test(listenerOrRuleArn)) return undefined;
  return /:listener(?:-rule)?\/((?:app|net)\/[\w-]+\/[0-9a-f]{16})\//.exec(listenerOrRuleArn)?.[1];
}
