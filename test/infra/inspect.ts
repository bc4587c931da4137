/** Queries over a synthesized stack: the house functions by route name, their roles' statements, resources by type. */
import type { CfnElement, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { ROUTES, type RouteName } from '../../functions/http/routes.js';
import type { Api } from '../../lib/api.js';
import type { Data } from '../../lib/data.js';
import type { Notify } from '../../lib/notify.js';
import { SsprFunction } from '../../lib/ssprFunction.js';

/** Template JSON: untyped by nature; the assertions are what check its shape. */
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON has no static type
export type Json = any;

export interface CfnResourceJson {
  Type: string;
  Properties?: Record<string, Json>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string[];
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

export type RequestFunctionName = RouteName | 'fallback';

/** The route names of functions/http/routes.ts plus the `$default` fallback: every request function. */
export const REQUEST_FUNCTIONS: RequestFunctionName[] = [...ROUTES.map((route) => route.name), 'fallback'];

export function resources(template: Template): Record<string, CfnResourceJson> {
  return template.toJSON().Resources as Record<string, CfnResourceJson>;
}

export function resource(template: Template, logicalId: string): CfnResourceJson {
  const found = resources(template)[logicalId];
  if (!found) throw new Error(`no resource ${logicalId} in the template`);
  return found;
}

export function ofType(template: Template, type: string): [string, CfnResourceJson][] {
  return Object.entries(resources(template)).filter(([, r]) => r.Type === type);
}

export function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return (element.stack as Stack).getLogicalId(element);
}

export const ref = (construct: IConstruct) => ({ Ref: logicalId(construct) });
export const getAtt = (construct: IConstruct, attribute: string) => ({
  'Fn::GetAtt': [logicalId(construct), attribute],
});

export function houseFunctions(stack: Stack): SsprFunction[] {
  return stack.node.findAll().filter((c): c is SsprFunction => c instanceof SsprFunction);
}

export function apiOf(stack: Stack): Api {
  return stack.node.findChild('Api') as Api;
}

export function dataOf(stack: Stack): Data {
  return stack.node.findChild('Data') as Data;
}

export function notifyOf(stack: Stack): Notify {
  return stack.node.findChild('Notify') as Notify;
}

/** The CloudFormation properties of a house function's AWS::Lambda::Function. */
export function functionProps(template: Template, fn: SsprFunction): Record<string, Json> {
  return resource(template, logicalId(fn.fn)).Properties ?? {};
}

/** Every statement of every policy on the function's role (attached policies and inline ones), and its managed policies. */
export function roleOf(template: Template, fn: SsprFunction): { statements: Statement[]; managed: unknown[] } {
  const role = fn.fn.role;
  if (!role) throw new Error(`${fn.node.path} has no role`);
  const roleId = logicalId(role);
  const roleJson = resource(template, roleId);
  const statements: Statement[] = [];
  for (const inline of (roleJson.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]) {
    statements.push(...inline.PolicyDocument.Statement);
  }
  for (const [, policy] of ofType(template, 'AWS::IAM::Policy')) {
    const roles = (policy.Properties?.Roles ?? []) as unknown[];
    if (roles.some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId }))) {
      statements.push(...((policy.Properties?.PolicyDocument?.Statement ?? []) as Statement[]));
    }
  }
  return { statements, managed: (roleJson.Properties?.ManagedPolicyArns ?? []) as unknown[] };
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export function resourcesOf(statement: Statement): unknown[] {
  if (statement.Resource === undefined) return [];
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** The statements that grant any action with this service prefix (e.g. 'secretsmanager'). */
export function statementsFor(statements: Statement[], service: string): Statement[] {
  return statements.filter((s) => actionsOf(s).some((a) => a === '*' || a.startsWith(`${service}:`)));
}

export function upperFirst(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
