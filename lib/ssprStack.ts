/** The product's stack: network, data, notifier, API, page and alarms, from one validated deploy config. */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { Alarms } from './alarms.js';
import { Api } from './api.js';
import type { DeployConfig } from './config.js';
import { Data } from './data.js';
import { suppressFindings } from './nag.js';
import { Network } from './network.js';
import { Notify } from './notify.js';
import { Web } from './web.js';

export interface SsprStackProps extends StackProps {
  config: DeployConfig;
  /** The built page (web/dist). */
  webDir: string;
  version: string;
  /** A web ACL made by the app's us-east-1 stack (otherwise the config's ARN, if any). */
  webAclArn?: string | undefined;
}

export class SsprStack extends Stack {
  constructor(scope: Construct, id: string, props: SsprStackProps) {
    super(scope, id, props);
    const { deployment, serviceOverrides } = props.config;
    const logRetention = deployment.logRetentionDays as logs.RetentionDays;
    const common = { logRetention, version: props.version };

    const network = new Network(this, 'Network', { deployment });
    const data = new Data(this, 'Data', common);
    const notify = new Notify(this, 'Notify', {
      ...common,
      table: data.table,
      notifierKeySecret: data.notifierKeySecret,
      sesIdentity: deployment.sesIdentity,
      serviceConfig: serviceOverrides,
    });
    const api = new Api(this, 'Api', {
      ...common,
      data,
      network,
      serviceConfig: serviceOverrides,
      bindDn: deployment.bindDn,
      caBundleFile: props.config.files.caBundle,
      throttle: deployment.api,
    });
    const webAclArn =
      props.webAclArn ?? (deployment.waf && 'webAclArn' in deployment.waf ? deployment.waf.webAclArn : undefined);
    const web = new Web(this, 'Web', {
      httpApi: api.httpApi,
      originSecret: data.originSecret,
      webDir: props.webDir,
      stringsFile: props.config.files.strings,
      customDomain: deployment.customDomain,
      webAclArn,
    });
    const alarms = new Alarms(this, 'Alarms', {
      alarmEmail: deployment.alarmEmail,
      requestFunctions: Object.values(api.functions),
      notifier: notify.notifier,
      httpApi: api.httpApi,
      deadLetters: notify.deadLetters,
    });
    notify.sendAlertsTo(alarms.topic);

    const url = deployment.customDomain
      ? `https://${deployment.customDomain.domainName}`
      : `https://${web.distribution.distributionDomainName}`;
    new CfnOutput(this, 'Url', { value: url, description: 'The page users open (and the API under /api/)' });
    new CfnOutput(this, 'TableName', { value: data.table.tableName });
    new CfnOutput(this, 'BindSecretArn', {
      value: data.bindSecret.secretArn,
      description: 'Put the service account password here',
    });
    new CfnOutput(this, 'PepperSecretArn', { value: data.pepperSecret.secretArn });
    new CfnOutput(this, 'DecoyKeySecretArn', { value: data.decoyKeySecret.secretArn });
    new CfnOutput(this, 'AuthenticatorKeySecretArn', { value: data.authenticatorKeySecret.secretArn });
    new CfnOutput(this, 'NotifierPublicKey', { value: data.notifierPublicKey });

    suppressFindings(this, { customDomain: deployment.customDomain !== undefined, waf: webAclArn !== undefined });
  }
}
