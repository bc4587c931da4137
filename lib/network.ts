/**
 * Where the request functions run (DESIGN §9): private subnets of a VPC that reaches the domain controllers, a
 * security group that lets them out only to the DCs on 636 and to AWS endpoints on 443, a DynamoDB gateway endpoint,
 * and Secrets Manager by interface endpoint (or the VPC's NAT, as configured). The VPC is imported by attributes, so
 * synth needs no lookup and no account, or created.
 */

import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { Deployment } from './config.js';

export interface NetworkProps {
  deployment: Deployment;
}

export class Network extends Construct {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { deployment } = props;

    if ('import' in deployment.vpc) {
      const imported = deployment.vpc.import;
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: imported.vpcId,
        vpcCidrBlock: imported.vpcCidrBlock,
        availabilityZones: imported.availabilityZones,
        privateSubnetIds: imported.privateSubnetIds,
        privateSubnetRouteTableIds:
          imported.privateSubnetRouteTableIds.length > 0 ? imported.privateSubnetRouteTableIds : undefined,
      });
      this.subnets = { subnets: this.vpc.privateSubnets };
    } else {
      const created = deployment.vpc.create;
      const natGateways = created.natGateways;
      const vpc = new ec2.Vpc(this, 'Vpc', {
        ipAddresses: ec2.IpAddresses.cidr(created.cidr),
        maxAzs: created.maxAzs,
        natGateways,
        subnetConfiguration: [
          ...(natGateways > 0 ? [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }] : []),
          {
            name: 'functions',
            subnetType: natGateways > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED,
            cidrMask: 22,
          },
        ],
      });
      vpc.addFlowLog('FlowLog', {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(
          new logs.LogGroup(this, 'FlowLogs', {
            retention: deployment.logRetentionDays,
            removalPolicy: RemovalPolicy.RETAIN,
          }),
        ),
        trafficType: ec2.FlowLogTrafficType.REJECT,
      });
      this.vpc = vpc;
      this.subnets = {
        subnetType: natGateways > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED,
      };
    }

    this.securityGroup = new ec2.SecurityGroup(this, 'Functions', {
      vpc: this.vpc,
      description: 'SSPR request functions: LDAPS to the domain controllers, HTTPS to AWS endpoints only',
      allowAllOutbound: false,
    });
    for (const range of deployment.domainControllerCidrs) {
      this.securityGroup.addEgressRule(ec2.Peer.ipv4(range), ec2.Port.tcp(636), `LDAPS to domain controllers ${range}`);
    }

    // DynamoDB through the free gateway endpoint. Its AWS-managed prefix list has a per-region id that no template
    // attribute exposes, so it is looked up at deploy time; that list is the only 443 destination outside the VPC.
    this.vpc.addGatewayEndpoint('DynamoDb', {
      service: ec2.GatewayVpcEndpointAwsService.DYNAMODB,
      subnets: [this.subnets],
    });
    const prefixListName = `com.amazonaws.${Stack.of(this).region}.dynamodb`;
    const lookup = new cr.AwsCustomResource(this, 'DynamoDbPrefixList', {
      onUpdate: {
        service: 'EC2',
        action: 'describeManagedPrefixLists',
        parameters: { Filters: [{ Name: 'prefix-list-name', Values: [prefixListName] }] },
        physicalResourceId: cr.PhysicalResourceId.of(prefixListName),
        outputPaths: ['PrefixLists.0.PrefixListId'],
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['ec2:DescribeManagedPrefixLists'], resources: ['*'] }),
      ]),
      installLatestAwsSdk: false,
    });
    this.securityGroup.addEgressRule(
      ec2.Peer.prefixList(lookup.getResponseField('PrefixLists.0.PrefixListId')),
      ec2.Port.tcp(443),
      'HTTPS to DynamoDB (gateway endpoint)',
    );

    if (deployment.secretsManagerAccess === 'endpoint') {
      const endpointSecurityGroup = new ec2.SecurityGroup(this, 'Endpoints', {
        vpc: this.vpc,
        description: 'SSPR interface endpoints: HTTPS from the request functions',
        allowAllOutbound: false,
      });
      endpointSecurityGroup.addIngressRule(this.securityGroup, ec2.Port.tcp(443), 'HTTPS from the request functions');
      this.vpc.addInterfaceEndpoint('SecretsManager', {
        service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
        subnets: this.subnets,
        securityGroups: [endpointSecurityGroup],
        privateDnsEnabled: true,
        // Not `open`: that would let the whole VPC range in on 443; only the request functions' group may reach it.
        open: false,
      });
      this.securityGroup.addEgressRule(
        endpointSecurityGroup,
        ec2.Port.tcp(443),
        'HTTPS to the Secrets Manager endpoint',
      );
    } else {
      // Through the NAT: Secrets Manager's public addresses are not a fixed range, so 443 goes anywhere.
      this.securityGroup.addEgressRule(
        ec2.Peer.anyIpv4(),
        ec2.Port.tcp(443),
        'HTTPS to Secrets Manager through the NAT',
      );
    }
  }
}
