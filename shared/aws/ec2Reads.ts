import { DescribeVpcEndpointsCommand, type VpcEndpoint } from '@aws-sdk/client-ec2';
import type { SnapshotVpcEndpoint } from '../state/snapshotSchema.ts';
import { readOrNull } from './errors.ts';
import { policyFromAws } from './policyText.ts';
import type { ReadContext } from './readContext.ts';

/** What an endpoint without a policy document allows (AWS attaches this full-access policy by default). */
const FULL_ACCESS = { Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] };

export function vpcEndpointOf(endpoint: VpcEndpoint): SnapshotVpcEndpoint | null {
  if (!endpoint.VpcEndpointId || !endpoint.ServiceName) return null;
  return {
    VpcEndpointId: endpoint.VpcEndpointId,
    ServiceName: endpoint.ServiceName,
    PolicyDocument: endpoint.PolicyDocument ? policyFromAws(endpoint.PolicyDocument) : FULL_ACCESS,
  };
}

/** One VPC endpoint and its policy; null when the account does not have it in that region. */
export function readVpcEndpoint(
  ctx: ReadContext,
  account: string,
  region: string,
  id: string,
): Promise<SnapshotVpcEndpoint | null> {
  return ctx.cached(`${account}/ec2/${region}/vpce/${id}`, async () => {
    const ec2 = await ctx.clients.ec2(account, region);
    const answer = await readOrNull(
      `ec2:DescribeVpcEndpoints ${id} in ${account} ${region}`,
      ['InvalidVpcEndpointId.NotFound', 'InvalidVpcEndpointId.Malformed'],
      () => ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [id] })),
    );
    const endpoint = answer?.VpcEndpoints?.find((e) => e.VpcEndpointId === id);
    return endpoint ? vpcEndpointOf(endpoint) : null;
  });
}
