import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { Auth } from './auth.ts';

/** Routes anyone may call: liveness and the API's own documentation. Everything else needs a token. */
export const publicRoutes: readonly { readonly method: HttpMethod; readonly path: string }[] = [
  { method: HttpMethod.GET, path: '/health' },
  { method: HttpMethod.GET, path: '/openapi.json' },
  { method: HttpMethod.GET, path: '/docs' },
  { method: HttpMethod.GET, path: '/docs/{proxy+}' },
];

/** Methods of the authorized catch-all route (everything the app serves; never OPTIONS or ANY). */
export const protectedMethods: HttpMethod[] = [HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE];

export interface ApiProps {
  /** @default - generated */
  readonly apiName?: string;
  /** The Lambda running the Hono app. */
  readonly handler: IFunction;
  readonly auth: Auth;
  /** Origins of the web console allowed by CORS (no trailing slash). */
  readonly corsOrigins: readonly string[];
  /** Steady-state requests per second for the stage. @default 50 */
  readonly throttleRateLimit?: number;
  /** @default 100 */
  readonly throttleBurstLimit?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default RemovalPolicy.DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * HTTP API in front of the Hono app. Authorization happens twice on purpose: API Gateway's JWT
 * authorizer rejects requests without a valid Cognito token before they cost a Lambda invocation,
 * and the app verifies the same token again to build its principal (the same code as the local host).
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const authorizer = new HttpJwtAuthorizer('CognitoAuthorizer', props.auth.issuer, {
      // The CLI's client and the web console's: API Gateway checks an ID token's `aud` against this list.
      jwtAudience: props.auth.clientIds,
    });

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: props.apiName,
      createDefaultStage: false,
      defaultAuthorizer: authorizer,
      corsPreflight: {
        allowOrigins: [...props.corsOrigins],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.PATCH, CorsHttpMethod.DELETE],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        maxAge: Duration.hours(1),
      },
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRateLimit ?? 50, burstLimit: props.throttleBurstLimit ?? 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            httpMethod: '$context.httpMethod',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });

    const integration = new HttpLambdaIntegration('AppIntegration', props.handler);
    // Catch-all routes: the Hono app owns the route table, so a new route needs no infra change.
    // Methods are listed rather than ANY: an authorized ANY route would also catch the browser's
    // unauthenticated CORS preflight (OPTIONS) and answer 401; without an OPTIONS route API Gateway
    // answers preflights itself from `corsPreflight`.
    this.httpApi.addRoutes({ path: '/{proxy+}', methods: protectedMethods, integration });
    for (const route of publicRoutes) {
      const [created] = this.httpApi.addRoutes({
        path: route.path,
        methods: [route.method],
        integration,
        authorizer: new HttpNoneAuthorizer(),
      });
      if (created) {
        NagSuppressions.addResourceSuppressions(created, [
          { id: 'AwsSolutions-APIG4', reason: `${route.method} ${route.path} is public by design: health check and API documentation, no data.` },
        ]);
      }
    }
  }

  /** The invoke URL of the default stage. */
  get url(): string {
    return this.stage.url;
  }
}
