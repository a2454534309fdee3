import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

/**
 * What the console reads at `/config.json` when it starts (the cognito branch of
 * `runtimeConfigSchema` in console/src/config.ts). Written at deploy time, so one build serves every
 * stage.
 */
export interface ConsoleRuntimeConfig {
  readonly apiUrl: string;
  readonly auth: {
    readonly kind: 'cognito';
    /** The pool's issuer; oidc-client-ts reads `<authority>/.well-known/openid-configuration`. */
    readonly authority: string;
    readonly clientId: string;
    readonly redirectUri: string;
    readonly postLogoutRedirectUri: string;
    readonly scope: string;
  };
}

/** Where Vite puts content-hashed files; only these may be cached for good. */
export const hashedAssetsFolder = 'assets';

/** What a content-hashed file may be cached for: a year, never revalidated (a new build has new names). */
export const immutableCacheControl = [CacheControl.setPublic(), CacheControl.maxAge(Duration.days(365)), CacheControl.immutable()];

export interface ContentSecurityPolicySources {
  /** Where the console calls the API: an origin, or a host pattern (see {@link ConsoleHostingProps.apiSource}). */
  readonly api: string;
  /** The managed-login domain: token, user info and revocation endpoints, and the sign-in pages. */
  readonly authDomain: string;
  /** The pool's issuer origin: oidc-client-ts fetches the OpenID configuration from there. */
  readonly issuerOrigin: string;
}

/**
 * The console's Content-Security-Policy. Only the console's own scripts run; Ant Design injects
 * `<style>` elements at runtime (CSS-in-JS), which is why styles, and only styles, allow
 * 'unsafe-inline'. Connections go to the console itself, the API and Cognito; forms post to the console
 * or Cognito; nobody may frame the console (clickjacking of approval buttons).
 */
export function contentSecurityPolicy(sources: ContentSecurityPolicySources): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${sources.api} ${sources.authDomain} ${sources.issuerOrigin}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    `form-action 'self' ${sources.authDomain}`,
    "object-src 'none'",
  ].join('; ');
}

/** Checks the console build folder before anything is synthesized from it. */
export function assertConsoleBuild(assetDir: string): void {
  if (!existsSync(join(assetDir, 'index.html'))) {
    throw new Error(
      `The console build is missing: ${assetDir} has no index.html. Run \`npm run build:console\` first ` +
        '(`npm run synth` does it for you), or point context consoleDir at a build.',
    );
  }
}

export interface ConsoleHostingProps {
  /** The console's build (Vite's `dist`): must hold index.html; `assets/` holds the hashed files. */
  readonly assetDir: string;
  /**
   * The API in `connect-src`: its exact origin when it can be named without a dependency cycle (the
   * console at a custom domain), else the regional execute-api host pattern (see the stack).
   */
  readonly apiSource: string;
  /** The managed-login domain URL, `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly authDomainUrl: string;
  /** `https://cognito-idp.<region>.<url suffix>`. */
  readonly issuerOrigin: string;
  /** Serve at your own name; the certificate must be in us-east-1. @default the distribution's cloudfront.net name */
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
  /** How long CloudFront's and the bucket's access logs are kept. */
  readonly logRetentionDays: number;
  /** @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The web console on AWS: its build in a private bucket that only this distribution may read (origin
 * access control), served over HTTPS only with strict security headers, with a single-page-app
 * fallback to index.html. The runtime config is added with {@link deploy} once the app client exists
 * (the client needs the distribution's URL first).
 */
export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  readonly logBucket: Bucket;
  readonly distribution: Distribution;
  readonly responseHeadersPolicy: ResponseHeadersPolicy;
  /** `https://<domain>` without a trailing slash: the origin CORS and the callback URLs name. */
  readonly origin: string;
  private readonly props: ConsoleHostingProps;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    assertConsoleBuild(props.assetDir);
    this.props = props;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;

    // CloudFront's standard logs are delivered with object ACLs, hence ACLs enabled (object writer)
    // on this bucket only; the console's bucket keeps them disabled. It also takes the console
    // bucket's server access logs (cdk-nag counts a log destination as logged).
    this.logBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(props.logRetentionDays) }],
      removalPolicy,
    });
    this.bucket = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3/',
      removalPolicy,
    });

    this.responseHeadersPolicy = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'village-flow console: CSP, HSTS, no framing, no sniffing',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy({ api: props.apiSource, authDomain: props.authDomainUrl, issuerOrigin: props.issuerOrigin }),
          override: true,
        },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
    });

    const custom = props.customDomain;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `village-flow console (${Stack.of(this).stackName})`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        // CachingOptimized has a 1-second minimum TTL: index.html and config.json (no-cache) are
        // fetched again within a second of a deploy, so a deploy needs no invalidation.
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        compress: true,
      },
      // A deep link (/inbox/123) is no object: the bucket answers 403 (CloudFront may not list it) or
      // 404, and the app's router takes over from index.html. Not cached, so a new build shows at once.
      errorResponses: [403, 404].map((httpStatus) => ({ httpStatus, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(0) })),
      httpVersion: HttpVersion.HTTP2_AND_3,
      // Edges in Asia (mainland China is served from them) without the most expensive regions.
      priceClass: PriceClass.PRICE_CLASS_200,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      ...(custom
        ? {
            domainNames: [custom.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', custom.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });
    this.origin = `https://${custom ? custom.domainName : this.distribution.distributionDomainName}`;

    const suppressions = [
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Officials sign in from wherever they work, including on travel; access is limited by Cognito sign-in and the API, not by country.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason: 'The distribution serves only the static console build (GET/HEAD); the API behind it has its own throttling and JWT authorizer. A web ACL can be attached per deployment.',
      },
    ];
    if (!custom) {
      suppressions.push({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without context consoleDomain the console is served at its cloudfront.net name, whose shared default certificate cannot be given a minimum protocol version; with consoleDomain the minimum is TLSv1.2_2021.',
      });
    }
    NagSuppressions.addResourceSuppressions(this.distribution, suppressions);
  }

  /** The console's URL with a trailing slash: redirect URI after sign-in and sign-out. */
  get url(): string {
    return `${this.origin}/`;
  }

  /**
   * Upload the build and the runtime config. Hashed assets first, cached for good and never pruned
   * (a browser still on the previous index.html may ask for the previous chunks); then everything
   * else, index.html and config.json included, with `no-cache`, so a deploy shows at once.
   */
  deploy(runtimeConfig: ConsoleRuntimeConfig): void {
    const retain = (this.props.removalPolicy ?? RemovalPolicy.DESTROY) === RemovalPolicy.RETAIN;
    const assets = new BucketDeployment(this, 'DeployAssets', {
      sources: [Source.asset(this.props.assetDir)],
      destinationBucket: this.bucket,
      exclude: ['*'],
      include: [`${hashedAssetsFolder}/*`],
      cacheControl: immutableCacheControl,
      prune: false,
      retainOnDelete: retain,
      memoryLimit: 256,
    });
    const pages = new BucketDeployment(this, 'DeployPages', {
      sources: [Source.asset(this.props.assetDir, { exclude: [`${hashedAssetsFolder}/**`] }), Source.jsonData('config.json', runtimeConfig)],
      destinationBucket: this.bucket,
      exclude: [`${hashedAssetsFolder}/*`],
      cacheControl: [CacheControl.noCache()],
      prune: true,
      retainOnDelete: retain,
      memoryLimit: 256,
    });
    pages.node.addDependency(assets);

    // BucketDeployment runs one handler per memory size, a singleton at the stack's root.
    const stack = Stack.of(this);
    for (const child of stack.node.children) {
      if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      NagSuppressions.addResourceSuppressions(
        child,
        [
          { id: 'AwsSolutions-IAM4', reason: "CDK's BucketDeployment handler writes its logs through the AWSLambdaBasicExecutionRole managed policy; the handler and its role are the library's." },
          {
            id: 'AwsSolutions-IAM5',
            reason: "CDK's BucketDeployment grants its handler object-level wildcards (s3:GetObject*, s3:List*, …) on the CDK asset bucket and on the console bucket only, so that it can copy and prune the build.",
          },
          { id: 'AwsSolutions-L1', reason: "The BucketDeployment handler's runtime is chosen by aws-cdk-lib and moves with its version." },
          { id: 'Serverless-LambdaDLQ', reason: 'The BucketDeployment handler runs only as a CloudFormation custom resource, which reports a failure to the deployment itself.' },
          { id: 'Serverless-LambdaTracing', reason: 'The BucketDeployment handler runs once per deploy; a failed copy fails the deployment with its log.' },
          { id: 'Serverless-LambdaLatestVersion', reason: "The BucketDeployment handler's runtime is chosen by aws-cdk-lib and moves with its version." },
        ],
        true,
      );
    }
  }
}
