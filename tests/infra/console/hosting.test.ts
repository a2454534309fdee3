import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { SynthesisMessage } from 'aws-cdk-lib/cx-api';
import { defineApp } from '../../../infra/app.ts';
import { parseDeployConfig } from '../../../infra/config.ts';
import { registryOf, type WorkflowRegistry } from '../../../workflows/registry.ts';
import { fixtureModule } from '../../fixtures/program/module.ts';
import { asList, consoleBuildFixture, render, resourcesOf, synthesize, testAccount, testRegion, type CfnResource, type Synthesized } from '../support.ts';

// The console on AWS, synthesized through the same entry as `cdk synth` with the small fixture
// program (the console does not depend on the programs) and a stand-in build (support.ts).
const registry: WorkflowRegistry = registryOf([fixtureModule]);
let synth: Synthesized;
beforeAll(() => {
  synth = synthesize({}, registry);
});

function only(type: string, predicate: (r: CfnResource) => boolean = () => true): [string, CfnResource] {
  const found = resourcesOf(synth.json, type).filter(([, r]) => predicate(r));
  expect(found, type).toHaveLength(1);
  return found[0]!;
}

const ids = () => ({
  distribution: only('AWS::CloudFront::Distribution')[0],
  site: only('AWS::S3::Bucket', (r) => r.Properties?.LoggingConfiguration !== undefined)[0],
  logs: only('AWS::S3::Bucket', (r) => r.Properties?.LoggingConfiguration === undefined)[0],
  domain: only('AWS::Cognito::UserPoolDomain')[0],
  pool: only('AWS::Cognito::UserPool')[0],
  webClient: only('AWS::Cognito::UserPoolClient', (r) => r.Properties?.ClientName === 'web-console')[0],
  cliClient: only('AWS::Cognito::UserPoolClient', (r) => r.Properties?.ClientName === undefined)[0],
  httpApi: only('AWS::ApiGatewayV2::Api')[0],
});
const consoleOrigin = () => `https://\${${ids().distribution}.DomainName}`;
const authDomain = () => `https://\${${ids().domain}}.auth.${testRegion}.amazoncognito.com`;

describe('bucket', () => {
  it('is private, encrypted, logged, and refuses plain HTTP', () => {
    const site = synth.json.Resources[ids().site]!;
    expect(site.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: ids().logs }, LogFilePrefix: 's3/' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(site.Properties?.WebsiteConfiguration).toBeUndefined();
    expect(synth.json.Resources[ids().logs]?.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 30, Status: 'Enabled' }] },
      // ACLs only here: CloudFront's standard logs and S3's access logs are delivered with them.
      OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
      AccessControl: 'LogDeliveryWrite',
    });
  });

  it('may be read by this distribution only (origin access control, AWS:SourceArn), and by nobody over HTTP', () => {
    const { site, distribution } = ids();
    const [, policy] = only('AWS::S3::BucketPolicy', (r) => JSON.stringify(r.Properties?.Bucket) === JSON.stringify({ Ref: site }));
    const statements = (policy.Properties?.PolicyDocument as { Statement: { Effect: string; Action: string; Principal: unknown; Condition?: unknown; Resource: unknown }[] }).Statement;
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' } });
    const sourceArn = (allows[0]?.Condition as { StringEquals: { 'AWS:SourceArn': unknown } }).StringEquals['AWS:SourceArn'];
    expect(render(sourceArn)).toBe(`arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/\${${distribution}}`);
    expect(render(allows[0]?.Resource)).toBe(`\${${site}.Arn}/*`);
    expect(statements.filter((s) => s.Effect === 'Deny')).toEqual([
      expect.objectContaining({ Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);

    const [oacId, oac] = only('AWS::CloudFront::OriginAccessControl');
    expect(oac.Properties?.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    const origins = (synth.json.Resources[distribution]?.Properties?.DistributionConfig as { Origins: Record<string, unknown>[] }).Origins;
    expect(origins).toHaveLength(1);
    expect(origins[0]).toMatchObject({ OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] }, S3OriginConfig: { OriginAccessIdentity: '' } });
    synth.template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
  });
});

describe('distribution', () => {
  it('redirects HTTP to HTTPS, serves index.html at / and for deep links (403/404 → 200), and logs', () => {
    const config = synth.json.Resources[ids().distribution]?.Properties?.DistributionConfig as Record<string, unknown>;
    expect(config).toMatchObject({
      DefaultRootObject: 'index.html',
      DefaultCacheBehavior: { ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD'], ResponseHeadersPolicyId: { Ref: only('AWS::CloudFront::ResponseHeadersPolicy')[0] } },
      CustomErrorResponses: [403, 404].map((ErrorCode) => ({ ErrorCode, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 })),
      Logging: { Bucket: { 'Fn::GetAtt': [ids().logs, 'RegionalDomainName'] }, Prefix: 'cloudfront/' },
    });
    // No custom domain: the cloudfront.net certificate (see the prod test for TLSv1.2_2021 at a custom domain).
    expect(config.ViewerCertificate).toBeUndefined();
  });

  it('sends the strict security headers, the CSP exactly', () => {
    const [, policy] = only('AWS::CloudFront::ResponseHeadersPolicy');
    const headers = (policy.Properties?.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, Record<string, unknown>> }).SecurityHeadersConfig;
    expect(render(headers.ContentSecurityPolicy?.ContentSecurityPolicy)).toBe(
      [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        `connect-src 'self' https://*.execute-api.${testRegion}.\${AWS::URLSuffix} ${authDomain()} https://cognito-idp.${testRegion}.\${AWS::URLSuffix}`,
        "frame-ancestors 'none'",
        "base-uri 'self'",
        `form-action 'self' ${authDomain()}`,
        "object-src 'none'",
      ].join('; '),
    );
    expect(headers).toMatchObject({
      ContentSecurityPolicy: { Override: true },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
    });
  });
});

describe('deployment of the build', () => {
  const deployments = () => resourcesOf(synth.json, 'Custom::CDKBucketDeployment');
  const byPrune = (prune: boolean) => deployments().find(([, d]) => d.Properties?.Prune === prune)?.[1].Properties ?? {};

  it('caches hashed assets for a year (immutable, never pruned) and everything else not at all', () => {
    expect(deployments()).toHaveLength(2);
    for (const [, d] of deployments()) expect(d.Properties?.DestinationBucketName).toEqual({ Ref: ids().site });
    expect(byPrune(false)).toMatchObject({ Exclude: ['*'], Include: ['assets/*'], SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' } });
    expect(byPrune(true)).toMatchObject({ Exclude: ['assets/*'], SystemMetadata: { 'cache-control': 'no-cache' } });
    expect(byPrune(true).Include).toBeUndefined();
  });

  it('writes config.json with the API URL, the pool as authority, the console client and the console URL', () => {
    const pages = byPrune(true) as { SourceObjectKeys: string[]; SourceMarkers: Record<string, unknown>[] };
    const outdir = (synth.stack.node.root as App).outdir;
    const withConfig = pages.SourceObjectKeys.map((key, i) => ({ dir: join(outdir, `asset.${key.replace(/\.zip$/, '')}`), markers: pages.SourceMarkers[i] ?? {} })).filter(
      ({ dir }) => {
        try {
          readFileSync(join(dir, 'config.json'));
          return true;
        } catch {
          return false;
        }
      },
    );
    expect(withConfig).toHaveLength(1);
    const { dir, markers } = withConfig[0]!;
    let text = readFileSync(join(dir, 'config.json'), 'utf8');
    for (const [marker, value] of Object.entries(markers)) text = text.split(marker).join(render(value));
    const { httpApi, pool, webClient } = ids();
    expect(JSON.parse(text)).toEqual({
      apiUrl: `https://\${${httpApi}}.execute-api.${testRegion}.\${AWS::URLSuffix}/`,
      auth: {
        kind: 'cognito',
        authority: `https://cognito-idp.${testRegion}.\${AWS::URLSuffix}/\${${pool}}`,
        clientId: `\${${webClient}}`,
        redirectUri: `${consoleOrigin()}/`,
        postLogoutRedirectUri: `${consoleOrigin()}/`,
        scope: 'openid email profile',
      },
    });
  });

  it('refuses to synthesize without a console build, naming the command', () => {
    const empty = mkdtempSync(join(tmpdir(), 'village-flow-no-console-'));
    const app = new App({ context: { stage: 'dev', region: testRegion, account: testAccount, consoleDir: empty } });
    expect(() => defineApp(app, { registry: { ...registry, workflows: [], taskFunctions: [] } })).toThrow(/console build is missing.*npm run build:console/s);
  });
});

describe('sign-in', () => {
  it('has a managed-login domain (version 2) with a branding style for the console client', () => {
    synth.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'village-flow-dev', ManagedLoginVersion: 2, UserPoolId: { Ref: ids().pool } });
    synth.template.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', { ClientId: { Ref: ids().webClient }, UseCognitoProvidedValues: true });
    synth.template.hasResourceProperties('AWS::Cognito::UserPool', { UserPoolTier: 'ESSENTIALS' });
  });

  it('gives the console a public client: code flow only, no secret (PKCE), openid/email/profile, short tokens, rotation', () => {
    const props = synth.json.Resources[ids().webClient]?.Properties ?? {};
    expect(props).toMatchObject({
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      GenerateSecret: false,
      SupportedIdentityProviders: ['COGNITO'],
      IdTokenValidity: 15,
      AccessTokenValidity: 15,
      TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'minutes' },
      RefreshTokenRotation: { Feature: 'ENABLED' },
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
    });
    expect([...(props.AllowedOAuthScopes as string[])].sort()).toEqual(['email', 'openid', 'profile']);
    // Refresh-token rotation refuses ALLOW_REFRESH_TOKEN_AUTH; password sign-in stays with the CLI's client.
    expect(props.ExplicitAuthFlows).toEqual(['ALLOW_USER_SRP_AUTH']);
    for (const key of ['CallbackURLs', 'LogoutURLs']) expect(asList(props[key]).map(render), key).toEqual([`${consoleOrigin()}/`]);
    expect(JSON.stringify(props)).not.toContain('localhost');
  });

  it('lets the API accept both clients (authorizer audience, JWT_AUDIENCE) and the console origin (CORS, exactly)', () => {
    const { webClient, cliClient } = ids();
    const [, authorizer] = only('AWS::ApiGatewayV2::Authorizer');
    expect((authorizer.Properties?.JwtConfiguration as { Audience: unknown[] }).Audience).toEqual([{ Ref: cliClient }, { Ref: webClient }]);
    const api = resourcesOf(synth.json, 'AWS::Lambda::Function').find(([, f]) => f.Properties?.FunctionName === 'village-flow-dev-api')?.[1];
    const env = (api?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(render(env.JWT_AUDIENCE)).toBe(`\${${cliClient}},\${${webClient}}`);
    const cors = synth.json.Resources[ids().httpApi]?.Properties?.CorsConfiguration as { AllowOrigins: unknown[] };
    expect(cors.AllowOrigins.map(render)).toEqual([consoleOrigin()]);
  });

  it('outputs the console URL, the managed-login domain and the console client id', () => {
    const outputs = synth.json.Outputs as Record<string, { Value: unknown }>;
    expect(render(outputs.ConsoleUrl?.Value)).toBe(`${consoleOrigin()}/`);
    expect(render(outputs.CognitoDomain?.Value)).toBe(authDomain());
    expect(outputs.ConsoleClientId?.Value).toEqual({ Ref: ids().webClient });
  });
});

describe('consoleDevelopment=true (dev stage)', () => {
  it('also lets the Vite dev server sign in and call the API', () => {
    // No programs: only the sign-in and CORS settings are looked at.
    const dev = synthesize({ consoleDevelopment: 'true' }, { ...registry, workflows: [], taskFunctions: [] });
    const [, client] = resourcesOf(dev.json, 'AWS::Cognito::UserPoolClient').find(([, c]) => c.Properties?.ClientName === 'web-console')!;
    const distribution = resourcesOf(dev.json, 'AWS::CloudFront::Distribution')[0]![0];
    for (const key of ['CallbackURLs', 'LogoutURLs']) {
      expect(asList(client.Properties?.[key]).map(render), key).toEqual([`https://\${${distribution}.DomainName}/`, 'http://localhost:5173/']);
    }
    const [, api] = resourcesOf(dev.json, 'AWS::ApiGatewayV2::Api')[0]!;
    expect((api.Properties?.CorsConfiguration as { AllowOrigins: unknown[] }).AllowOrigins.map(render)).toEqual([`https://\${${distribution}.DomainName}`, 'http://localhost:5173']);
  });
});

describe('settings', () => {
  it('validate the domain prefix and the custom domain, and refuse a dev server sign-in in prod', () => {
    expect(parseDeployConfig({}).consoleDir).toBe('console/dist');
    expect(() => parseDeployConfig({ authDomainPrefix: 'my-cognito-login' })).toThrow(/authDomainPrefix: must not contain/);
    expect(() => parseDeployConfig({ authDomainPrefix: 'Village' })).toThrow(/authDomainPrefix/);
    expect(() => parseDeployConfig({ consoleDomain: '{"domainName":"console.example.org","certificateArn":"arn:aws:acm:ap-southeast-1:123456789012:certificate/abc"}' })).toThrow(
      /consoleDomain.certificateArn: must be an ACM certificate ARN in us-east-1/,
    );
    expect(parseDeployConfig({ consoleDevelopment: 'true' }).consoleDevelopment).toBe(true);
    const app = new App({ context: { stage: 'prod', region: testRegion, account: testAccount, consoleDir: consoleBuildFixture(), consoleDevelopment: 'true' } });
    expect(() => defineApp(app, { registry: { ...registry, workflows: [], taskFunctions: [] } })).toThrow(/consoleDevelopment=true .* refused for stage prod/);
  });
});

describe('cdk-nag', () => {
  const describeAll = (messages: SynthesisMessage[]) => messages.map((m) => `${m.id}: ${String(m.entry.data).split('\n')[0]}`);

  it.each(['AwsSolutions', 'Serverless'])('%s: no unsuppressed errors or warnings', (pack) => {
    expect(describeAll(synth.annotations.findError('*', Match.stringLikeRegexp(`${pack}-.*`)))).toEqual([]);
    expect(describeAll(synth.annotations.findWarning('*', Match.stringLikeRegexp(`${pack}-.*`)))).toEqual([]);
  });

  it('suppresses on the console only what cannot be fixed, each with a reason', () => {
    const suppressed = (id: string) =>
      ((synth.json.Resources[id] as { Metadata?: { cdk_nag?: { rules_to_suppress?: { id: string; reason: string }[] } } }).Metadata?.cdk_nag?.rules_to_suppress ?? []);
    const onDistribution = suppressed(ids().distribution);
    expect(onDistribution.map((s) => s.id).sort()).toEqual(['AwsSolutions-CFR1', 'AwsSolutions-CFR2', 'AwsSolutions-CFR4']);
    for (const id of [ids().site, ids().logs, only('AWS::CloudFront::ResponseHeadersPolicy')[0]]) expect(suppressed(id), id).toEqual([]);
    for (const [id] of Object.entries(synth.json.Resources)) for (const s of suppressed(id)) expect(s.reason.length, `${id} ${s.id}`).toBeGreaterThan(40);
  });
});
