// EC2 Instance Connect Endpoint: reaching an instance's port 22 without a public address. It is
// bundled with the instance-access code (dist/db.js); ws loads on the first tunnel only.
export { chooseInstanceConnectEndpoint, describeInstanceConnectEndpoints, findInstanceConnectEndpoint, listInstanceConnectEndpoints, USABLE_ENDPOINT_STATES, type EndpointChoice, type EndpointPlacement, type InstanceConnectEndpoint } from './endpoints';
export { checkOpenTunnelRequest, EICE_PORTS, EICE_SIGNING_SERVICE, EICE_URL_EXPIRY_SECONDS, EiceRequestError, MAX_TUNNEL_DURATION_SECONDS, presignOpenTunnel, type OpenTunnelRequest } from './presign';
export { EICE_MAX_CONNECTIONS, eiceSigningFrom, EiceReconnector, EiceTunnelError, openEiceTunnel, sshOverTunnelFailure, tunnelEndedError, tunnelEndedMessage, tunnelExpiredMessage, type EiceConnectOptions, type EiceSigning, EiceTunnelStream, type EiceTunnelTarget } from './tunnel';
export { WebSocketStream, type WebSocketClose } from './websocketStream';
export {
  applyInstanceConnectEndpointPlan,
  ENDPOINT_RULE_DESCRIPTION,
  ENDPOINT_RULE_TAG,
  endpointTags,
  endpointTargetOf,
  EndpointWaitLeftError,
  planInstanceConnectEndpoint,
  readEndpointChoices,
  type ApplyEndpointOptions,
  type EndpointPlan,
  type EndpointTarget,
  type GroupChoice,
  type IngressFromGroups,
  type SubnetChoice,
} from './create';
export {
  applyInstanceConnectEndpointRemoval,
  endpointRuleOf,
  isRulePresent,
  listInstanceConnectEndpointsCreatedHere,
  planInstanceConnectEndpointRemoval,
  type EndpointRemoval,
  type EndpointRemovalPlan,
  type EndpointRule,
} from './remove';
